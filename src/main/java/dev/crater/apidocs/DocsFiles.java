package dev.crater.apidocs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files of the browsable reference at {@code /api/docs}: Crater's page and initializer, and the
 * Swagger UI files of the {@code org.webjars:swagger-ui} jar, read from the class path. Only the
 * names in {@link #FILES} exist: a request names a file, never a path, so no request can reach
 * another resource (no traversal by construction), and every file has a fixed content type.
 */
final class DocsFiles {
    /** The index page, served for {@code /api/docs}. */
    static final String INDEX = "index.html";
    private static final String OWN = "/apidocs/";
    private static final String WEBJAR_PROPERTIES = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";

    /** A servable file. */
    record File(String name, String contentType, byte[] bytes, String etag) {
    }

    /** Whose file a name is, and its content type. */
    private record Entry(boolean own, String contentType) {
    }

    /** Every file there is, by the name a request gives. The Swagger UI ones are what its index page loads. */
    static final Map<String, Entry> FILES = Map.of(
            INDEX, new Entry(true, "text/html; charset=utf-8"),
            "initializer.js", new Entry(true, "text/javascript; charset=utf-8"),
            "swagger-ui-bundle.js", new Entry(false, "text/javascript; charset=utf-8"),
            "swagger-ui-bundle.js.LICENSE.txt", new Entry(false, "text/plain; charset=utf-8"),
            "swagger-ui.css", new Entry(false, "text/css; charset=utf-8"),
            "index.css", new Entry(false, "text/css; charset=utf-8"),
            "favicon-32x32.png", new Entry(false, "image/png"),
            "favicon-16x16.png", new Entry(false, "image/png"));

    private final String webjarDirectory;
    private final Map<String, File> loaded = new ConcurrentHashMap<>();

    DocsFiles() {
        this.webjarDirectory = "/META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
    }

    /** The Swagger UI version on the class path (the one pom.xml pins), from the WebJar's own properties. */
    static String webjarVersion() {
        try (InputStream in = DocsFiles.class.getResourceAsStream(WEBJAR_PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui WebJar is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version");
            if (v == null || !v.matches("[0-9A-Za-z.-]+")) {
                throw new IllegalStateException("the swagger-ui WebJar names no plain version: " + v);
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The file of that name, read once (two first requests may both read it; one copy is kept, and no
     * lock is held while reading); empty for any name not in {@link #FILES}.
     */
    Optional<File> file(String name) {
        Entry entry = FILES.get(name);
        if (entry == null) {
            return Optional.empty();
        }
        File f = loaded.get(name);
        if (f == null) {
            File read = load(name, entry);
            f = Objects.requireNonNullElse(loaded.putIfAbsent(name, read), read);
        }
        return Optional.of(f);
    }

    private File load(String name, Entry entry) {
        String resource = (entry.own() ? OWN : webjarDirectory) + name;
        try (InputStream in = DocsFiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            byte[] bytes = in.readAllBytes();
            return new File(name, entry.contentType(), bytes, etag(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A strong entity tag: the first 128 bits of the content's SHA-256, quoted. */
    static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
