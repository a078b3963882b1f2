package dev.crater.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The server's 256-bit master key: encrypts secrets the server must read back (authenticator
 * secrets) and keys the MACs of codes that have no interim token to bind to (phone binding).
 *
 * <p>Taken from {@code CRATER_MASTER_KEY} (base64 of 32 bytes) when set — required for several
 * nodes sharing one PostgreSQL — else from {@code <data-dir>/master.key}, created on first use with
 * owner-only permissions. Losing the key loses the enrolled authenticators (users re-enrol), nothing
 * else.
 */
public final class MasterKey {
    public static final int KEY_BYTES = 32;
    static final String FILE_NAME = "master.key";

    private MasterKey() {
    }

    public static byte[] load(String fromEnvironment, Path dataDir) {
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return decode(fromEnvironment.trim(), "CRATER_MASTER_KEY");
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file).trim(), file.toString());
            }
            Files.createDirectories(dataDir);
            byte[] key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            Files.writeString(file, Base64.getEncoder().encodeToString(key), StandardOpenOption.CREATE_NEW);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system; the directory's own permissions protect it.
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key " + file, e);
        }
    }

    private static byte[] decode(String text, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " must be base64 of " + KEY_BYTES + " bytes");
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(source + " must be base64 of " + KEY_BYTES + " bytes, got " + key.length);
        }
        return key;
    }
}
