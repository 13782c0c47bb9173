/**
 * @module Users
 *
 * People and service users: the list, invite / create, and a user's page with role,
 * enable/disable, password and the keys they own.
 */
export { UserPage } from './user-page.tsx';
export { UsersPage } from './users-page.tsx';
