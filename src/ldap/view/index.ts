export { buildSnapshot, Snapshot, type ViewOptions } from './snapshot';
export { StoreDirectoryView, type StoreDirectoryViewOptions } from './directory-view';
export { selectAttributes } from './select';
