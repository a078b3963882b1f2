package dev.crater.store;

import dev.crater.config.CraterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The one-server-per-store rule for the embedded SQLite store: a server holds an exclusive lock on
 * {@code <data-dir>/crater.lock} from before it opens the store until it stops (the operating
 * system releases it when the process dies, kill -9 included). A second server on the same data
 * directory is refused with a message naming the holder, before it builds a service or starts a
 * thread. Admin commands do not take it: they never run the trading engine (funding and the sandbox
 * go through the store's queues, which the server's engine applies). PostgreSQL stores are shared
 * by several nodes by design; this lock does not apply to them.
 */
public final class StoreLock implements AutoCloseable {
    public static final String FILE_NAME = "crater.lock";
    /** Named limit: what is read of another holder's description. */
    static final int DESCRIPTION_BYTES_MAX = 1024;

    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Thrown when another process holds the store. */
    public static final class InUseException extends RuntimeException {
        InUseException(String message) {
            super(message);
        }
    }

    /**
     * Takes the store of {@code config} for this process, or returns null for a PostgreSQL store.
     *
     * @throws InUseException if another process holds it
     */
    public static StoreLock acquire(CraterConfig config, Instant now) {
        if (config.usesPostgres()) {
            return null;
        }
        Path dir = config.dataDir().toAbsolutePath().normalize();
        Path file = dir.resolve(FILE_NAME);
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very process (another server in the same JVM)
            }
            if (lock == null) {
                String holder = read(ch);
                ch.close();
                throw new InUseException("the store in " + dir + " is in use by another Crater server ("
                        + (holder.isBlank() ? "no description" : holder) + "). Stop it first, or give this one"
                        + " another --data-dir.");
            }
            StoreLock held = new StoreLock(ch, lock);
            held.describe("pid " + ProcessHandle.current().pid() + ", started " + now);
            return held;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    /** Replaces what a refused second process is told about the holder. */
    public void describe(String holder) {
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(DESCRIPTION_BYTES_MAX);
        ch.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
