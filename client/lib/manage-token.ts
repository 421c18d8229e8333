/** The installed app remembers the durable manage secret on this device, so "manage my consent" always works. */
const KEY = 'panops.manageToken';

export const storedManageToken = (): string | null => localStorage.getItem(KEY);
export const rememberManageToken = (token: string) => localStorage.setItem(KEY, token);
export const forgetManageToken = () => localStorage.removeItem(KEY);
/** The secret travels in the URL fragment, which browsers never send to a server or in a Referer. */
export const manageHref = (token: string) => `/manage#${token}`;
