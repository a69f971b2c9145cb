/**
 * The Table service wire format of the bare signed table calls, against what `@azure/data-tables`
 * 13.3 sends and Azurite 3.35 answers (bodies captured from their traffic).
 */
import {
  batchBody,
  entityAddress,
  entityFromJson,
  entityJson,
  parseBatchResponse,
} from '../../../../../devhost/src/store/azure/tableWire';

const CRLF = '\r\n';

describe('table wire format', () => {
  it('writes an entity as the SDK does: keys renamed, typed values annotated after their value', () => {
    expect(
      entityJson({
        partitionKey: "p'1",
        rowKey: '0000000000000000',
        EventType: 'X',
        EventId: -1,
        IsPlayed: false,
        _Timestamp: { value: '2024-01-01T00:00:00.000Z', type: 'DateTime' },
        S: 'ü€😀',
      }),
    ).toBe(
      '{"PartitionKey":"p\'1","RowKey":"0000000000000000","EventType":"X","EventId":-1,"IsPlayed":false,' +
        '"_Timestamp":"2024-01-01T00:00:00.000Z","_Timestamp@odata.type":"Edm.DateTime","S":"ü€😀"}',
    );
  });

  it('annotates Int64, Binary, Guid and Date values with their EDM types, and refuses what a table cannot hold', () => {
    expect(
      JSON.parse(
        entityJson({
          partitionKey: 'p',
          rowKey: 'r',
          Big: 9007199254740993n,
          Bytes: new Uint8Array([1, 2, 255]),
          Id: { value: '0f8fad5b-d9cb-469f-a165-70867728950e', type: 'Guid' },
          When: new Date('2024-01-01T00:00:00.000Z'),
        }),
      ),
    ).toEqual({
      PartitionKey: 'p',
      RowKey: 'r',
      Big: '9007199254740993',
      'Big@odata.type': 'Edm.Int64',
      Bytes: 'AQL/',
      'Bytes@odata.type': 'Edm.Binary',
      Id: '0f8fad5b-d9cb-469f-a165-70867728950e',
      'Id@odata.type': 'Edm.Guid',
      When: '2024-01-01T00:00:00.000Z',
      'When@odata.type': 'Edm.DateTime',
    });
    expect(() => entityJson({ partitionKey: 'p', rowKey: 'r', Bad: { nested: true } })).toThrow(TypeError);
  });

  it('escapes U+2028 and U+2029, which Azurite reads as line ends in a batch, keeping the value', () => {
    const json = entityJson({ partitionKey: 'p', rowKey: 'r', V: 'a\u2028b\u2029c' });
    expect(json).toBe('{"PartitionKey":"p","RowKey":"r","V":"a\\u2028b\\u2029c"}');
    expect(JSON.parse(json)).toEqual({ PartitionKey: 'p', RowKey: 'r', V: 'a\u2028b\u2029c' });
  });

  it('reads a point-read answer into the shape the SDK returns', () => {
    expect(
      entityFromJson(
        '{"odata.metadata":"http://127.0.0.1/devstoreaccount1/$metadata#T/@Element",' +
          '"odata.etag":"W/\\"datetime\'2026-12-07T03%3A19%3A44.2177173Z\'\\"","PartitionKey":"i1","RowKey":"",' +
          '"Name":"m","Generation":2,"CreatedTime@odata.type":"Edm.DateTime","CreatedTime":"2024-01-01T00:00:00Z",' +
          '"Big@odata.type":"Edm.Int64","Big":"12","Timestamp":"2026-12-07T03:19:44.2177173Z"}',
      ),
    ).toEqual({
      'odata.metadata': 'http://127.0.0.1/devstoreaccount1/$metadata#T/@Element',
      etag: 'W/"datetime\'2026-12-07T03%3A19%3A44.2177173Z\'"',
      partitionKey: 'i1',
      rowKey: '',
      Name: 'm',
      Generation: 2,
      CreatedTime: new Date('2024-01-01T00:00:00Z'),
      Big: 12n,
      timestamp: '2026-12-07T03:19:44.2177173Z',
    });
  });

  it("addresses an entity with its keys' quotes doubled and the rest URL-encoded", () => {
    expect(entityAddress('T', "it's ü/%", '')).toBe("T(PartitionKey='it''s%20%C3%BC%2F%25',RowKey='')");
  });

  it('puts every operation of a transaction in one change set, in order', () => {
    const body = batchBody('http://h/acct', 'T', 'B', 'C', [
      { kind: 'upsert', entity: { partitionKey: 'p', rowKey: '1' } },
      { kind: 'insert', entity: { partitionKey: 'p', rowKey: 's' } },
      { kind: 'replace', entity: { partitionKey: 'p', rowKey: 's' }, etag: 'W/"x"' },
    ]);
    const parts = body.split(`--changeset_C${CRLF}`).slice(1);
    expect(
      body.startsWith(`--batch_B${CRLF}Content-Type: multipart/mixed; boundary=changeset_C${CRLF}`),
    ).toBe(true);
    expect(body.endsWith(`--changeset_C--${CRLF}--batch_B--${CRLF}`)).toBe(true);
    expect(parts.map((part) => part.split(CRLF)[3])).toEqual([
      "PUT http://h/acct/T(PartitionKey='p',RowKey='1') HTTP/1.1",
      'POST http://h/acct/T HTTP/1.1',
      "PUT http://h/acct/T(PartitionKey='p',RowKey='s') HTTP/1.1",
    ]);
    expect(parts[1]).toContain(`Prefer: return-no-content${CRLF}`);
    expect(parts[2]).toContain(`If-Match: W/"x"${CRLF}${CRLF}{"PartitionKey":"p","RowKey":"s"}`);
    expect(parts[0]).not.toContain('If-Match');
  });

  it("reads each sub-response's status and ETag in request order", () => {
    const sub = (lines: string[]): string =>
      [
        '--changesetresponse_C',
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        '',
        ...lines,
        '',
        '',
      ].join(CRLF);
    const text = [
      '--batchresponse_B',
      'Content-Type: multipart/mixed; boundary=changesetresponse_C',
      '',
      sub(['HTTP/1.1 204 No Content', 'DataServiceVersion: 3.0;', 'ETag: W/"one"']),
      sub([
        'HTTP/1.1 204 No Content',
        "Location: http://h/acct/T(PartitionKey='p',RowKey='s')",
        'ETag: W/"two"',
      ]),
      '--changesetresponse_C--',
      '--batchresponse_B--',
      '',
    ].join(CRLF);
    expect(parseBatchResponse(text)).toEqual([
      { status: 204, etag: 'W/"one"' },
      { status: 204, etag: 'W/"two"' },
    ]);
  });

  it("turns a failed change set's one sub-response into an error with its status and code", () => {
    const text = [
      '--batchresponse_B',
      'Content-Type: multipart/mixed; boundary=changesetresponse_C',
      '',
      '--changesetresponse_C',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      'HTTP/1.1 412 Precondition Failed',
      'Content-ID: 2',
      'Content-Type: application/json;odata=minimalmetadata;charset=utf-8',
      '',
      '{"odata.error":{"code":"UpdateConditionNotSatisfied","message":{"lang":"en-US","value":"1:The update condition specified in the request was not satisfied.\\nRequestId:x"}}}',
      '--changesetresponse_C--',
      '--batchresponse_B--',
      '',
    ].join(CRLF);
    expect(() => parseBatchResponse(text)).toThrow(
      expect.objectContaining({
        statusCode: 412,
        code: 'UpdateConditionNotSatisfied',
        message:
          '$batch failed with 412 (UpdateConditionNotSatisfied): 1:The update condition specified in the request was not satisfied.',
      }),
    );
  });
});
