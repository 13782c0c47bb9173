/**
 * @module Audit
 *
 * The audit log (filters and export) and the trail of one target, used on key and user pages.
 */
export { AuditPage } from './audit-page.tsx';
export { AuditTrail } from './audit-trail.tsx';
