// Matches requests against the contract's route table (shared/api.ts): the server never
// declares a route of its own for the API.
import { type ApiMethod, type HttpMethod, routes } from '../../shared/api.js';

export interface Match {
  method: ApiMethod;
  pathParams: Record<string, string>;
  binary: boolean;
}

interface Compiled {
  method: ApiMethod;
  http: HttpMethod;
  re: RegExp;
  names: string[];
  binary: boolean;
}

const compiled: Compiled[] = (Object.keys(routes) as ApiMethod[]).map((method) => {
  const r = routes[method];
  const names: string[] = [];
  const re = new RegExp(
    '^' +
      r.path.replace(/:([a-zA-Z]+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      }) +
      '/?$',
  );
  return { method, http: r.method, re, names, binary: !!r.binary };
});

/** null: no route has this path; 'method': the path exists with other methods. */
export function matchRoute(httpMethod: string, pathname: string): Match | null | 'method' {
  let pathFound = false;
  for (const c of compiled) {
    const m = c.re.exec(pathname);
    if (!m) continue;
    pathFound = true;
    if (c.http !== httpMethod && !(httpMethod === 'HEAD' && c.http === 'GET')) continue;
    const pathParams: Record<string, string> = {};
    c.names.forEach((n, i) => {
      pathParams[n] = decodeURIComponent(m[i + 1]!);
    });
    return { method: c.method, pathParams, binary: c.binary };
  }
  return pathFound ? 'method' : null;
}
