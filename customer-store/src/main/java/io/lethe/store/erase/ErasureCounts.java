package io.lethe.store.erase;

/**
 * What one erasure task did, as carried by an {@code ErasureResult}.
 *
 * @param rowsScrubbed rows whose PII columns this run set to null
 * @param rowsDeleted  rows this run deleted
 * @param blobsDeleted blobs this run deleted (ones already gone are not counted)
 * @param residual     PII of the task's scope still present after the run (values, rows and blobs)
 * @param errorCode    null on success, else one of the constants below
 */
public record ErasureCounts(long rowsScrubbed, long rowsDeleted, long blobsDeleted, long residual, String errorCode) {

    /** The item id does not belong to (tenant, customer); nothing was erased. */
    public static final String NOT_FOUND_FOR_CUSTOMER = "NOT_FOUND_FOR_CUSTOMER";
    /** This data type does not handle the task's scope; nothing was erased. */
    public static final String UNSUPPORTED_SCOPE = "UNSUPPORTED_SCOPE";
    /** The erasure ran but the residual check still found PII (e.g. a blob delete failed); retry. */
    public static final String RESIDUAL_NOT_ZERO = "RESIDUAL_NOT_ZERO";

    public static ErasureCounts error(String errorCode) {
        return new ErasureCounts(0, 0, 0, 0, errorCode);
    }

    public boolean succeeded() {
        return errorCode == null;
    }
}
