export { reportRoutes, parseDuration } from './router';
export type { ReportSettings } from './table';
