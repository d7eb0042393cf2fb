import { HttpMatch, StringMatch } from '../../lib/index';

describe('HttpMatch', () => {
  test('holds header and uri conditions as typed values', () => {
    const match = HttpMatch.header('user-agent', StringMatch.regex('.*iPhone.*'));
    expect(match.headers.map(h => [h.name, h.value.type, h.value.value])).toEqual([['user-agent', 'regex', '.*iPhone.*']]);
    expect(match.uriMatch).toBeUndefined();
    expect(HttpMatch.uriPrefix('/static').uriMatch).toEqual(StringMatch.prefix('/static'));
    expect(match.description).toBe("header user-agent regex '.*iPhone.*'");
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

  test.each([
    [() => HttpMatch.uriPrefix('api'), "uri prefix must start with '/' (request paths do), got 'api'"],
    [() => HttpMatch.uriExact('login'), "uri exact must start with '/' (request paths do), got 'login'"],
  ])('throws if a uri path does not start with a slash', (make, message) => {
    expect(make).toThrow(message);
  });

  test('a uri regex needs no leading slash', () => {
    expect(HttpMatch.uri(StringMatch.regex('.*/v1/.*')).uriMatch).toEqual(StringMatch.regex('.*/v1/.*'));
  });
});
