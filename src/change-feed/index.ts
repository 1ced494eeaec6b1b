export { changeChannel, publishCommits, redisChangeFeed, type RedisChangeFeed } from './redis-change-feed';
