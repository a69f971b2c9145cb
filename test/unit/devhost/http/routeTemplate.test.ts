import { matchRouteTemplate, parseRouteTemplate } from '../../../../devhost/src/http/routeTemplate';

const match = (template: string, path: string) => matchRouteTemplate(parseRouteTemplate(template), path);

describe('route templates', () => {
  test('literal segments match case-insensitively and ignore a trailing slash', () => {
    expect(match('api/orders', '/API/Orders')).toEqual({});
    expect(match('api/orders', '/api/orders/')).toEqual({});
    expect(match('api/orders', '/api/orders/1')).toBeUndefined();
    expect(match('api/orders', '/api')).toBeUndefined();
  });

  test('an empty template matches only the root', () => {
    expect(match('', '/')).toEqual({});
    expect(match('', '/x')).toBeUndefined();
  });

  test('parameters capture decoded segment values, except an encoded slash', () => {
    expect(match('api/orders/{id}', '/api/orders/a%20b')).toEqual({ id: 'a b' });
    expect(match('api/orders/{id}', '/api/orders/a%2fb%20c')).toEqual({ id: 'a%2fb c' });
    expect(match('api/{a}/{b}', '/api/x/y')).toEqual({ a: 'x', b: 'y' });
  });

  test('an optional parameter may be absent and is then omitted', () => {
    expect(match('items/{id}/{name?}', '/items/1')).toEqual({ id: '1' });
    expect(match('items/{id}/{name?}', '/items/1/n')).toEqual({ id: '1', name: 'n' });
    expect(match('items/{id}/{name?}', '/items')).toBeUndefined();
  });

  test('a default value is used when the segment is absent', () => {
    expect(match('list/{page=1}', '/list')).toEqual({ page: '1' });
    expect(match('list/{page:int=1}', '/list/3')).toEqual({ page: '3' });
  });

  test('a catch-all takes every remaining segment, or nothing', () => {
    expect(match('files/{*path}', '/files/a/b/c')).toEqual({ path: 'a/b/c' });
    expect(match('files/{**path}', '/files/a')).toEqual({ path: 'a' });
    expect(match('files/{*path}', '/files')).toEqual({});
  });

  test('complex segments split a segment around literals', () => {
    expect(match('files/{name}.{ext}', '/files/report.final.pdf')).toEqual({
      name: 'report',
      ext: 'final.pdf',
    });
    expect(match('files/{name}.{ext?}', '/files/readme')).toEqual({ name: 'readme' });
    expect(match('v{version:int}/items', '/v2/items')).toEqual({ version: '2' });
    expect(match('v{version:int}/items', '/vx/items')).toBeUndefined();
  });

  test.each([
    ['int', '42', true],
    ['int', '-7', true],
    ['int', '2147483648', false],
    ['int', '4.2', false],
    ['long', '9223372036854775807', true],
    ['long', '9223372036854775808', false],
    ['bool', 'False', true],
    ['bool', 'yes', false],
    ['guid', '7d0f4b6e-1f7a-4c8e-9f38-2a2c1c7e4b11', true],
    ['guid', '7d0f4b6e1f7a4c8e9f382a2c1c7e4b11', true],
    ['guid', '{7d0f4b6e-1f7a-4c8e-9f38-2a2c1c7e4b11}', true],
    ['guid', '7d0f4b6e-1f7a-4c8e-9f38', false],
    ['alpha', 'abcXYZ', true],
    ['alpha', 'abc1', false],
    ['double', '1.5e3', true],
    ['double', 'x1', false],
    ['decimal', '10.25', true],
    ['decimal', '1e3', false],
    ['datetime', '2024-01-31', true],
    ['datetime', 'soon', false],
    ['min(10)', '10', true],
    ['min(10)', '9', false],
    ['max(10)', '11', false],
    ['range(1,3)', '2', true],
    ['range(1,3)', '4', false],
    ['minlength(3)', 'abc', true],
    ['minlength(3)', 'ab', false],
    ['maxlength(3)', 'abcd', false],
    ['length(2)', 'ab', true],
    ['length(2,4)', 'abcde', false],
    ['regex(^\\d{{3}}-\\d{{4}}$)', '555-1234', true],
    ['regex(^\\d{{3}}-\\d{{4}}$)', '5551234', false],
    ['regex(a,b)', 'xa,by', true],
  ])('constraint %s on %p matches: %p', (constraint, value, expected) => {
    expect(match(`x/{v:${constraint}}`, `/x/${encodeURIComponent(value)}`) !== undefined).toBe(expected);
  });

  test('constraints chain and all must pass', () => {
    expect(match('w/{w:alpha:minlength(2)}', '/w/ab')).toEqual({ w: 'ab' });
    expect(match('w/{w:alpha:minlength(2)}', '/w/a')).toBeUndefined();
    expect(match('w/{w:alpha:minlength(2)}', '/w/a1')).toBeUndefined();
  });

  test.each([
    ['items/{id:unknown}', /The route constraint 'unknown' is not known/],
    ['items/{id', /unclosed/],
    ['items/{id}/{id}', /appears twice/],
    ['items/{*rest}/more', /catch-all parameter .* must be in the last segment/],
    ['items/{id?}/more', /optional parameter must be at the end/],
    ['items/{a}{b}', /separated by a literal/],
    ['items//x', /empty segment/],
    ['items/{id:min(x)}', /needs an integer argument/],
    ['items/{id:regex(()}', /not a valid regular expression/],
  ])('the template %p is rejected with a clear error', (template, message) => {
    expect(() => parseRouteTemplate(template)).toThrow(message);
  });
});
