package io.lethe.store.blob;

/**
 * Content of attachments and voice recordings, addressed by keys that callers derive from
 * ids ({@link BlobKeys}), never from a database column that erasure nulls out.
 *
 * <p>Keys are relative, {@code /}-separated, made of {@code [A-Za-z0-9._/-]}, and no segment is empty or
 * starts with a dot (so no {@code ..}); implementations reject anything else with {@link IllegalArgumentException}.
 * I/O failures surface as {@link java.io.UncheckedIOException}. No versioning, no listing.
 */
public interface BlobStore {

    /** Stores {@code content} under {@code key}, replacing what was there; readers never see a partial write. */
    void put(String key, byte[] content);

    boolean exists(String key);

    /** Deletes the blob; returns whether it existed (deleting a missing blob is not an error). */
    boolean delete(String key);

    /** The blob's content; {@link java.util.NoSuchElementException} if there is none. */
    byte[] get(String key);
}
