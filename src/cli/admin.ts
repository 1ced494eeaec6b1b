// How a CLI command reaches the running daemon: the admin API from the configuration, if any.
import type { Config } from '../config/schema';
import { adminSchema, parseListen, type ListenAddress } from '../admin/config';

export interface AdminEndpoint {
  listen: ListenAddress;
  token: string;
}

export function adminOf(config: Config): AdminEndpoint | null {
  if (!config.admin) return null;
  const parsed = adminSchema.parse(config.admin);
  return { listen: parseListen(parsed.listen)!, token: parsed.token };
}
