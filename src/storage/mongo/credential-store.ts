// Bind secrets in the store's MongoDB database, in their own collections (`credentials`, `totp`):
// the identity store never reads them, and they never enter the audit trail or the change feed.
import mongoose from 'mongoose';
import type { CredentialStore, TotpEnrolment } from '../../ports/credential-store';
import { databaseInUri } from './mongo-store';

interface PasswordDoc {
  _id: string;
  passwordHash: string;
  updatedAt: string;
}
interface TotpDoc {
  _id: string;
  secret: string;
  lastTimeStep: number;
  enrolledAt: string;
}

const key = (username: string): string => username.toLowerCase();

export class MongoCredentialStore implements CredentialStore {
  readonly kind = 'mongodb';
  private closed = false;

  private constructor(private readonly conn: mongoose.Connection, private readonly db: mongoose.mongo.Db) {}

  static async connect(opts: { uri: string; database?: string }): Promise<MongoCredentialStore> {
    const conn = mongoose.createConnection(opts.uri, { dbName: opts.database ?? databaseInUri(opts.uri) ?? 'idsync', writeConcern: { w: 'majority' }, autoIndex: false });
    try {
      await conn.asPromise();
      if (!conn.db) throw new Error('connected, but mongoose exposed no database handle');
      return new MongoCredentialStore(conn, conn.db);
    } catch (err) {
      await conn.close().catch(() => undefined);
      throw new Error(`cannot open the MongoDB credential store (store.uri): ${(err as Error).message}`);
    }
  }

  private passwords() {
    return this.db.collection<PasswordDoc>('credentials');
  }

  private totp() {
    return this.db.collection<TotpDoc>('totp');
  }

  async getPasswordHash(username: string): Promise<string | null> {
    return (await this.passwords().findOne({ _id: key(username) }))?.passwordHash ?? null;
  }

  async setPasswordHash(username: string, hash: string, at: string): Promise<void> {
    await this.passwords().updateOne({ _id: key(username) }, { $set: { passwordHash: hash, updatedAt: at } }, { upsert: true });
  }

  async getTotp(username: string): Promise<TotpEnrolment | null> {
    const doc = await this.totp().findOne({ _id: key(username) });
    return doc ? { secret: doc.secret, lastTimeStep: doc.lastTimeStep, enrolledAt: doc.enrolledAt } : null;
  }

  async setTotp(username: string, e: TotpEnrolment): Promise<void> {
    await this.totp().updateOne({ _id: key(username) }, { $set: { secret: e.secret, lastTimeStep: e.lastTimeStep, enrolledAt: e.enrolledAt } }, { upsert: true });
  }

  async consumeTotpStep(username: string, timeStep: number): Promise<boolean> {
    // one conditional update: atomic across instances, so a code is accepted once
    const res = await this.totp().updateOne({ _id: key(username), lastTimeStep: { $lt: timeStep } }, { $set: { lastTimeStep: timeStep } });
    return res.modifiedCount === 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.conn.close();
  }
}
