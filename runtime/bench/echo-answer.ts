/**
 * The echo yardstick's fixed framed answer, shared by the echo server and
 * the thread-floor servers so every yardstick answers the same bytes.
 */
const body = Buffer.from('{"model_id":"echo","camera_id":"bench-cam","frame_id":1,"detections":[],"metadata":null,"error":null,"error_code":null}');
export const ECHO_ANSWER = Buffer.alloc(4 + body.length);
ECHO_ANSWER.writeUInt32BE(body.length, 0);
body.copy(ECHO_ANSWER, 4);
