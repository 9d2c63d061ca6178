// The typed requests both clients make: what each route takes and answers, read off ROUTES.
import type { RouteName, Routes } from '@casekit/protocol';

type Def<N extends RouteName> = Routes[N];
// zod 4's own definition of z.input / z.output, spelled out so the SDK needs no direct zod import.
type Input<T> = T extends { _zod: { input: infer I } } ? I : unknown;
type Output<T> = T extends { _zod: { output: infer O } } ? O : unknown;

/** Path parameters of route `N` (required when the path has any). */
export type RouteParams<N extends RouteName> = Def<N> extends { params: infer P } ? Input<P> : never;
/** Query of route `N`: every field optional, lists as arrays (sent comma-joined). */
export type RouteQuery<N extends RouteName> = Def<N> extends { query: infer Q }
  ? Partial<Output<Q>>
  : never;
/** JSON body of route `N`, as the caller writes it (defaults may be left out). */
export type RouteBody<N extends RouteName> = Def<N> extends { body: infer B } ? Input<B> : never;
/** What route `N` answers with. */
export type RouteResponse<N extends RouteName> = Output<Def<N>['response']>;

type ParamsPart<N extends RouteName> = [RouteParams<N>] extends [never]
  ? { params?: undefined }
  : { params: RouteParams<N> };
type QueryPart<N extends RouteName> = [RouteQuery<N>] extends [never] ? { query?: undefined } : { query?: RouteQuery<N> };
type BodyPart<N extends RouteName> = [RouteBody<N>] extends [never] ? { body?: undefined } : { body: RouteBody<N> };

/** Everything one call of route `N` takes: typed params, query and body, plus transport options. */
export type RequestInput<N extends RouteName> = ParamsPart<N> &
  QueryPart<N> &
  BodyPart<N> & {
    /** Sent as `Idempotency-Key`: the server answers a retry with the first result. */
    idempotencyKey?: string;
    signal?: AbortSignal;
  };

/** The typed caller for every route in ROUTES. */
export type RequestFn = <N extends RouteName>(name: N, input: RequestInput<N>) => Promise<RouteResponse<N>>;
