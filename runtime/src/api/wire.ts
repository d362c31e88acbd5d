/** The wire objects of ../../docs/protocol.md, as the core sends and receives them. */

export interface FrameMetadata {
  frame_id?: number | null;
  width: number;
  height: number;
  /** NV12 (any letter case), I420, RGB24, BGR24 or GRAY8. */
  format: string;
  timestamp?: number;
  /** Bytes per row of the first plane; defaults to the packed row size. */
  stride?: number;
  [extra: string]: unknown;
}

export interface InferenceRequest {
  frame_reference: string;
  frame_metadata: FrameMetadata;
  camera_id: string;
  model_id: string;
  timestamp: number;
  config?: Record<string, unknown> | null;
}

/** bbox is [x_min, y_min, x_max, y_max], normalised to [0, 1], origin top-left. */
export type BBox = [number, number, number, number];

export interface Detection {
  class_id: number;
  class_name: string;
  confidence: number;
  bbox: BBox;
  track_id?: number | null;
  /** Models may add fields, e.g. keypoints. */
  [extra: string]: unknown;
}

export interface InferenceResponse {
  model_id: string;
  camera_id: string;
  frame_id: number | null;
  detections: Detection[];
  metadata: Record<string, unknown> | null;
  error: string | null;
  /** Present (non-null) exactly when error is set. */
  error_code?: string | null;
}
