package io.lethe.store.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;

/**
 * {@link BlobStore} on a local directory: key {@code a/b/c} is the file {@code root/a/b/c}.
 *
 * <p>Writes go to a temp file in the target directory and are moved into place atomically,
 * so a crash leaves either the old or the new content (plus possibly a stray
 * {@code .tmp-*.part} file; no key can name it, because key segments may not start with a
 * dot). Does not fsync, and does not remove directories that deletes leave empty.
 */
public final class FileBlobStore implements BlobStore {

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._/-]+");

    private final Path root;

    public FileBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create blob root " + this.root, e);
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public void put(String key, byte[] content) {
        Path target = resolve(key);
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".part");
            try {
                Files.write(tmp, content);
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write blob", e);
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(resolve(key));
    }

    @Override
    public boolean delete(String key) {
        try {
            return Files.deleteIfExists(resolve(key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete blob", e);
        }
    }

    @Override
    public byte[] get(String key) {
        try {
            return Files.readAllBytes(resolve(key));
        } catch (NoSuchFileException e) {
            throw new NoSuchElementException("no blob under key " + key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob", e);
        }
    }

    private Path resolve(String key) {
        if (key == null || !KEY.matcher(key).matches() || key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("invalid blob key: " + key);
        }
        for (String segment : key.split("/", -1)) {
            // also rules out "." and "..", and the temp files of put()
            if (segment.isEmpty() || segment.startsWith(".")) {
                throw new IllegalArgumentException("invalid blob key: " + key);
            }
        }
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("invalid blob key: " + key);
        }
        return p;
    }
}
