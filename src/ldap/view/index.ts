export { buildSnapshot, Snapshot, type ViewOptions } from './snapshot';
export { StoreDirectoryView, publishChange, type StoreDirectoryViewOptions } from './directory-view';
export { selectAttributes } from './select';
