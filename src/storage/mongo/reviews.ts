// Access-review collections of the MongoDB store: each document is the domain object plus `_id`
// (its id); the unique campaign name and the item filters are indexed (collections.ts).
import type mongoose from 'mongoose';
import type { AccessException, ReviewCampaign, ReviewItem } from '../../domain/reviews/types';
import { UniqueViolationError } from '../../ports/identity-store';
import { ReviewDecisionConflictError, type ReviewChanges, type ReviewItemQuery } from '../../ports/reviews';

type Db = mongoose.mongo.Db;
type Session = mongoose.mongo.ClientSession;
type Doc = { _id: string; [key: string]: unknown };

const PLAIN = { projection: { _id: 0 } };

/** Inside the commit's transaction; a throw aborts all of it. */
export async function applyReviewChanges(db: Db, session: Session, changes: ReviewChanges): Promise<void> {
  const col = (name: string) => db.collection<Doc>(name);
  for (const c of changes.reviewCampaigns ?? []) {
    await col('reviewCampaigns')
      .replaceOne({ _id: c.id }, { _id: c.id, ...c }, { session, upsert: true })
      .catch((err: { code?: number }) => {
        if (err.code === 11000) throw new UniqueViolationError('campaign', c.name);
        throw err;
      });
  }
  const items = changes.reviewItems ?? [];
  if (items.length) await col('reviewItems').insertMany(items.map((i) => ({ _id: i.id, ...i })), { session, ordered: true });
  for (const i of changes.reviewDecisions ?? []) {
    const res = await col('reviewItems').replaceOne({ _id: i.id, decision: null }, { _id: i.id, ...i }, { session });
    if (res.matchedCount !== 1) throw new ReviewDecisionConflictError(i.id);
  }
  for (const x of changes.accessExceptions ?? []) {
    await col('accessExceptions').replaceOne({ _id: x.id }, { _id: x.id, ...x }, { session, upsert: true });
  }
}

/** The review reads of MongoStore. */
export class MongoReviewReader {
  constructor(private readonly db: Db) {}

  private col(name: string) {
    return this.db.collection<Doc>(name);
  }

  async getReviewCampaign(name: string): Promise<ReviewCampaign | null> {
    return (await this.col('reviewCampaigns').findOne({ name }, PLAIN)) as unknown as ReviewCampaign | null;
  }

  async listReviewCampaigns(): Promise<ReviewCampaign[]> {
    return (await this.col('reviewCampaigns').find({}, { ...PLAIN, sort: { openedAt: 1, name: 1 } }).toArray()) as unknown as ReviewCampaign[];
  }

  async getReviewItem(id: string): Promise<ReviewItem | null> {
    return (await this.col('reviewItems').findOne({ _id: id }, PLAIN)) as unknown as ReviewItem | null;
  }

  async listReviewItems(q: ReviewItemQuery): Promise<ReviewItem[]> {
    const filter: Record<string, unknown> = { campaignId: q.campaignId };
    if (q.reviewer !== undefined) filter.reviewer = q.reviewer;
    if (q.identityId !== undefined) filter.identityId = q.identityId;
    if (q.pending !== undefined) filter.decision = q.pending ? null : { $ne: null };
    return (await this.col('reviewItems').find(filter, { ...PLAIN, sort: { username: 1, _id: 1 } }).toArray()) as unknown as ReviewItem[];
  }

  async listAccessExceptions(identityIds?: string[]): Promise<AccessException[]> {
    const filter = identityIds ? { identityId: { $in: identityIds } } : {};
    return (await this.col('accessExceptions').find(filter, { ...PLAIN, sort: { createdAt: 1, _id: 1 } }).toArray()) as unknown as AccessException[];
  }
}
