import type { SourceConnector, SourceSnapshot } from '../../../ports/source-connector';
import type { ScimSourceConfig } from './config';

/**
 * A source that is pushed to, never polled: its changes arrive through the inbound listener one
 * request at a time and are applied as they come. A read has nothing to fetch, so it is an empty
 * delta that removes nobody.
 */
export class PushSource implements SourceConnector {
  readonly kind: string;
  readonly name: string;
  readonly authoritative: boolean;
  readonly pushed = true;

  constructor(cfg: Pick<ScimSourceConfig, 'name' | 'kind' | 'authoritative'>) {
    this.kind = cfg.kind;
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
  }

  async read(): Promise<SourceSnapshot> {
    return { mode: 'delta', complete: true, records: [], removed: [], problems: [], incompleteReason: null, watermark: null };
  }
}
