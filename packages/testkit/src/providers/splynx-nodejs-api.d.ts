// The parts of Splynx's own Node client (npm splynx-nodejs-api, untyped CommonJS) the fake's tests use.
declare module 'splynx-nodejs-api' {
  interface ClientResult {
    statusCode: number;
    response: unknown;
  }
  class SplynxApi {
    constructor(host: string, apiKey?: string, apiSecret?: string);
    /** The low-level client: its URL builder is replaced to sign requests to API 2.0. */
    api: { getUrl(path: string): string };
    version: string;
    get(url: string, id?: string | number): Promise<ClientResult>;
    post(url: string, params: Record<string, unknown>): Promise<ClientResult>;
    put(url: string, id: string | number, params: Record<string, unknown>): Promise<ClientResult>;
    del(url: string, id: string | number): Promise<ClientResult>;
    search(url: string, params: Record<string, unknown>): Promise<ClientResult>;
    count(url: string, params?: Record<string, unknown>): Promise<string>;
    options(url: string): Promise<ClientResult>;
    login(type: string, data: Record<string, unknown>): Promise<ClientResult>;
    getAuthData(): { access_token: string; access_token_expiration: number; refresh_token: string; refresh_token_expiration: number };
    setAuthData(data: Record<string, unknown>): void;
  }
  export = SplynxApi;
}
