/**
 * The response model of the Durable HTTP API and the extension's body shapes: `CreateResponse`
 * (JSON, `application/json; charset=utf-8`), empty responses, and Web API `HttpError` bodies
 * (`{"Message"}`, plus `ExceptionMessage`/`ExceptionType` when an exception is attached).
 */

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Absent: an empty body. */
  body?: string;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export const GENERIC_BAD_REQUEST = 'One or more of the arguments submitted is incorrect';
export const GENERIC_SERVER_ERROR = 'Something went wrong while processing your request';

/** .NET exception types the extension surfaces for the failures devhost reproduces. */
export const ExceptionType = {
  argument: 'System.ArgumentException',
  invalidOperation: 'System.InvalidOperationException',
  jsonReader: 'Newtonsoft.Json.JsonReaderException',
  alreadyExists: 'DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException',
} as const;

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): ApiResponse {
  return {
    status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers },
    // `undefined` (say, a missing output) serialises as JSON null, as a null JToken does.
    body: JSON.stringify(value ?? null),
  };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers };
}

export function errorResponse(
  status: number,
  message: string,
  exception?: { message: string; type: string },
): ApiResponse {
  const body: Record<string, string> = { Message: message };
  if (exception) {
    body.ExceptionMessage = exception.message;
    body.ExceptionType = exception.type;
  }
  return jsonResponse(status, body);
}
