/** Metadata key of the contract route a handler serves (set by @AdminRoute, read by the guard). */
export const ADMIN_ROUTE = 'switchboard:admin-route';
