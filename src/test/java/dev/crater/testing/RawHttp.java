package dev.crater.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Sends exact bytes over a socket, for tests of limits a normal client would not let us break. */
public final class RawHttp {
    /** Status code and body of a raw response. */
    public record Response(int status, String head, String body) {
    }

    private RawHttp() {
    }

    public static Response send(int port, String request) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while ((n = readSome(in, chunk)) > 0) {
                buf.write(chunk, 0, n);
                String text = buf.toString(StandardCharsets.ISO_8859_1);
                int headEnd = text.indexOf("\r\n\r\n");
                if (headEnd >= 0) {
                    int length = contentLength(text.substring(0, headEnd));
                    if (length >= 0 && text.length() - headEnd - 4 >= length) {
                        break;
                    }
                }
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            int headEnd = text.indexOf("\r\n\r\n");
            String head = headEnd < 0 ? text : text.substring(0, headEnd);
            String body = headEnd < 0 ? "" : text.substring(headEnd + 4);
            int status = Integer.parseInt(head.substring(9, 12));
            return new Response(status, head, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int readSome(InputStream in, byte[] chunk) throws IOException {
        try {
            return in.read(chunk);
        } catch (java.net.SocketException e) {
            return -1;
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }
}
