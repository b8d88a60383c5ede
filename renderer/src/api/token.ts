// The access token of `mailtap serve --token`: taken from ?token= in the page URL and kept
// for the tab's lifetime, so in-app navigation (hash routes) never loses it.
const KEY = 'mailtap.token';

export function readToken(): string | null {
  try {
    const fromUrl = new URLSearchParams(window.location.search).get('token');
    if (fromUrl) {
      sessionStorage.setItem(KEY, fromUrl);
      return fromUrl;
    }
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}
