import { Writable } from 'node:stream';
import { createLogger } from '../../src/observability/logger';
import { redactCredentials, redactDeep } from '../../src/util/redact';

describe('URL credential redaction', () => {
  it('replaces the password of redis, rediss and mongodb URLs and keeps user and host', () => {
    expect(redactCredentials('redis://:s3cret@10.0.0.1:6379/2')).toBe('redis://:[redacted]@10.0.0.1:6379/2');
    expect(redactCredentials('rediss://app:s3cret@cache:6380')).toBe('rediss://app:[redacted]@cache:6380');
    expect(redactCredentials('open mongodb://idsync:p%40ss@h1:27017,h2:27017/idsync?replicaSet=rs0 failed'))
      .toBe('open mongodb://idsync:[redacted]@h1:27017,h2:27017/idsync?replicaSet=rs0 failed');
    expect(redactCredentials('mongodb+srv://u:pa@ss@cluster.example.com/db')).toBe('mongodb+srv://u:[redacted]@cluster.example.com/db');
    expect(redactCredentials('two: redis://:a@x and redis://:b@y')).toBe('two: redis://:[redacted]@x and redis://:[redacted]@y');
    expect(redactCredentials('redis://127.0.0.1:6379 and https://example.com/a@b')).toBe('redis://127.0.0.1:6379 and https://example.com/a@b');
  });

  it('walks log objects, arrays and errors', () => {
    const err = new Error('connect redis://:pw1@h failed');
    const out = redactDeep({ redis: 'redis://:pw2@h', list: ['mongodb://u:pw3@h/db'], nested: { err } });
    expect(JSON.stringify(out)).not.toMatch(/pw[123]/);
    expect(out.redis).toBe('redis://:[redacted]@h');
  });

  it('keeps URL passwords out of every pino line, in fields and in the message', () => {
    let text = '';
    const log = createLogger('info', new Writable({ write: (c, _e, cb) => { text += String(c); cb(); } }));
    log.info({ redis: 'redis://:canary-redis@127.0.0.1:6379', store: { uri: 'mongodb://u:canary-mongo@h/db' } }, 'connected');
    log.error({ err: new Error('auth failed for redis://:canary-err@h') }, 'failed at mongodb://u:canary-msg@h/db');
    expect(text).not.toContain('canary-');
    expect(JSON.parse(text.split('\n')[0])).toMatchObject({ redis: 'redis://:[redacted]@127.0.0.1:6379', msg: 'connected' });
  });
});
