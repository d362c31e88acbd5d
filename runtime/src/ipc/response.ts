/**
 * Response text builders. Responses are assembled as strings so the hot path
 * never re-stringifies the detections: the worker hands back their JSON
 * already encoded, and the main thread only adds the echoed fields.
 */
import type { ErrorCode } from '../errors/codes.js';

/** What a response echoes back from its request, whatever the request's state. */
export interface Echo {
  model_id: string;
  camera_id: string;
  frame_id: number | null;
}

/**
 * Builds the echo of a (possibly malformed) request: model_id and camera_id
 * as sent when they are strings, frame_id as sent when it is a number, else
 * null: never 0, which is also a real frame's id.
 */
export function echoOf(body: Record<string, unknown> | null, servedModelId: string): Echo {
  const meta = body?.frame_metadata;
  const frameId = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>).frame_id : undefined;
  return {
    model_id: typeof body?.model_id === 'string' ? body.model_id : servedModelId,
    camera_id: typeof body?.camera_id === 'string' ? body.camera_id : '',
    frame_id: typeof frameId === 'number' && Number.isFinite(frameId) ? frameId : null,
  };
}

function head(echo: Echo): string {
  return `{"model_id":${JSON.stringify(echo.model_id)},"camera_id":${JSON.stringify(echo.camera_id)},"frame_id":${echo.frame_id === null ? 'null' : String(echo.frame_id)}`;
}

/** An error response: all six keys, detections empty, plus error_code. */
export function errorResponse(echo: Echo, code: ErrorCode, message: string): string {
  return `${head(echo)},"detections":[],"metadata":null,"error":${JSON.stringify(message)},"error_code":"${code}"}`;
}

/** A success response; `detectionsJson` and `metadataJson` are already JSON text. */
export function successResponse(echo: Echo, detectionsJson: string, metadataJson: string): string {
  return `${head(echo)},"detections":${detectionsJson},"metadata":${metadataJson},"error":null,"error_code":null}`;
}
