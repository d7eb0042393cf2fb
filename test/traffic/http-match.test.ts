import { HttpMatch, StringMatch } from '../../lib';

describe('HttpMatch', () => {
  test('renders header and uri matches as Istio writes them', () => {
    expect(HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'))._toIstio()).toEqual({ headers: { 'user-agent': { regex: '.*iPhone.*' } } });
    expect(HttpMatch.uriExact('/login')._toIstio()).toEqual({ uri: { exact: '/login' } });
    expect(HttpMatch.uriPrefix('/static')._toIstio()).toEqual({ uri: { prefix: '/static' } });
  });

  test('throws if a header name is not lowercase', () => {
    expect(() => HttpMatch.header('User-Agent', StringMatch.exact('x'))).toThrow("header name must be lowercase letters, digits, '-' or '_' (Istio ignores other keys), got 'User-Agent'");
  });

  test('throws if a regex does not compile', () => {
    expect(() => StringMatch.regex('(iPhone')).toThrow("'regex' must be a valid regular expression, got '(iPhone'");
  });

  test('throws if an exact match is empty', () => {
    expect(() => StringMatch.exact('')).toThrow("'exact' must not be empty");
  });
});
