package io.lethe.store.blob;

/**
 * The one place blob keys are derived from ids. Because a key is a function of
 * (tenant, id) and ids survive erasure, a blob whose delete was lost (crash after the
 * database commit) is found again by re-running the erasure.
 */
public final class BlobKeys {

    private BlobKeys() {
    }

    public static String attachment(String tenant, String attachmentId) {
        return tenant + "/attachments/" + attachmentId;
    }

    public static String recording(String tenant, String recordingId) {
        return tenant + "/recordings/" + recordingId;
    }
}
