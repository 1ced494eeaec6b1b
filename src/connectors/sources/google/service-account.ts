// A Google service-account key as the console downloads it (JSON). The config loader turns
// `credentialsFile` into `credentials` (the file's text), so this parses that text once.
import { createPrivateKey, type KeyObject } from 'node:crypto';

export interface ServiceAccountKey {
  clientEmail: string;
  privateKeyId: string | null;
  privateKey: KeyObject;
  /** the token URL written in the key file, used when the config names none */
  tokenUri: string | null;
}

/** Parses and checks the key; throws an Error whose message says what is wrong (never the key). */
export function parseServiceAccountKey(text: string): ServiceAccountKey {
  let json: any;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`is not JSON (${(err as Error).message}); expected the service-account key file downloaded from the Google Cloud console`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new Error('is not a JSON object; expected a service-account key file');
  if (json.type !== undefined && json.type !== 'service_account') throw new Error(`has type "${String(json.type)}", expected "service_account"`);
  const missing = ['client_email', 'private_key'].filter((k) => typeof json[k] !== 'string' || json[k] === '');
  if (missing.length) throw new Error(`lacks ${missing.join(' and ')}; expected a service-account key file`);
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(json.private_key);
  } catch (err) {
    throw new Error(`private_key is not a PEM private key (${(err as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error(`private_key is a ${privateKey.asymmetricKeyType} key; RS256 needs an RSA key`);
  return {
    clientEmail: json.client_email,
    privateKeyId: typeof json.private_key_id === 'string' ? json.private_key_id : null,
    privateKey,
    tokenUri: typeof json.token_uri === 'string' ? json.token_uri : null,
  };
}
