package dev.crater.streaming;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * WebSocket frames as the server sends them (RFC 6455 §5.2: FIN set, never masked), gathered into one
 * buffer so a writer sends everything a socket has queued with one write to its connection instead
 * of one write and flush per message (Helidon's {@code WsSession.send}). Only the socket's writer
 * uses a buffer; the bytes of a quote frame are made once and shared by every socket that sends it
 * ({@link QuoteFrame#wire}).
 */
final class WsFrames {
    static final int OP_TEXT = 0x1;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;
    /** A control frame's payload is at most 125 bytes (RFC 6455 §5.5). */
    static final int CONTROL_PAYLOAD_MAX = 125;
    /** Initial size of a writer's buffer; it grows to what one batch needs and is kept. */
    static final int BUFFER_INITIAL = 16 * 1024;

    private byte[] buf = new byte[BUFFER_INITIAL];
    private int size;

    /** A text frame of {@code text}, whole. */
    static byte[] text(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int n = payload.length;
        int head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
        byte[] f = new byte[head + n];
        f[0] = (byte) (0x80 | OP_TEXT);
        if (n < 126) {
            f[1] = (byte) n;
        } else if (n < 65_536) {
            f[1] = 126;
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = 127;
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, f, head, n);
        return f;
    }

    void clear() {
        size = 0;
    }

    boolean isEmpty() {
        return size == 0;
    }

    byte[] array() {
        return buf;
    }

    int size() {
        return size;
    }

    void add(byte[] frame) {
        ensure(frame.length);
        System.arraycopy(frame, 0, buf, size, frame.length);
        size += frame.length;
    }

    /** A ping or pong with {@code payload} (cut to {@link #CONTROL_PAYLOAD_MAX} bytes). */
    void control(int opCode, byte[] payload) {
        int n = Math.min(payload.length, CONTROL_PAYLOAD_MAX);
        ensure(2 + n);
        buf[size++] = (byte) (0x80 | opCode);
        buf[size++] = (byte) n;
        System.arraycopy(payload, 0, buf, size, n);
        size += n;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
