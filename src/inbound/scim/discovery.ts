// The discovery resources (RFC 7644 §4, RFC 7643 §5-7): what this endpoint supports, so a client
// configures itself from them and an attribute it sends that is not listed is known to be dropped.
import { CORE_GROUP, CORE_USER, ENTERPRISE_USER } from './paths';

type Json = Record<string, unknown>;

export const MAX_RESULTS = 200;

export function serviceProviderConfig(base: string): Json {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: 'https://github.com/idsync/idsync#inbound-scim',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'Bearer token', description: 'The token configured on the source (token or tokenFile)', primary: true }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

export function resourceTypes(base: string): Json[] {
  return [
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'User', name: 'User', endpoint: '/Users', schema: CORE_USER,
      schemaExtensions: [{ schema: ENTERPRISE_USER, required: false }],
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/User` },
    },
    {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
      id: 'Group', name: 'Group', endpoint: '/Groups', schema: CORE_GROUP,
      meta: { resourceType: 'ResourceType', location: `${base}/ResourceTypes/Group` },
    },
  ];
}

const attr = (name: string, extra: Json = {}): Json => ({
  name, type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...extra,
});

export function schemas(base: string): Json[] {
  const meta = (id: string) => ({ resourceType: 'Schema', location: `${base}/Schemas/${id}` });
  return [
    {
      id: CORE_USER, name: 'User', description: 'User account',
      attributes: [
        attr('userName', { required: true, uniqueness: 'server' }),
        attr('externalId', { caseExact: true }),
        attr('name', { type: 'complex', subAttributes: [attr('givenName'), attr('familyName')] }),
        attr('displayName'),
        attr('title'),
        attr('userType'),
        attr('active', { type: 'boolean' }),
        attr('emails', { type: 'complex', multiValued: true, subAttributes: [attr('value'), attr('type'), attr('primary', { type: 'boolean' })] }),
      ],
      meta: meta(CORE_USER),
    },
    {
      id: ENTERPRISE_USER, name: 'EnterpriseUser', description: 'Enterprise User',
      attributes: [attr('employeeNumber'), attr('department'), attr('manager', { type: 'complex', subAttributes: [attr('value', { caseExact: true })] })],
      meta: meta(ENTERPRISE_USER),
    },
    {
      id: CORE_GROUP, name: 'Group', description: 'Group',
      attributes: [
        attr('displayName', { required: true }),
        attr('externalId', { caseExact: true }),
        attr('members', { type: 'complex', multiValued: true, subAttributes: [attr('value', { caseExact: true }), attr('type')] }),
      ],
      meta: meta(CORE_GROUP),
    },
  ];
}

export function listResponse(resources: Json[], totalResults: number, startIndex: number): Json {
  return { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults, startIndex, itemsPerPage: resources.length, Resources: resources };
}
