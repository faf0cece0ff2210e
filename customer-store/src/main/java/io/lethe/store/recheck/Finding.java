package io.lethe.store.recheck;

/**
 * Erased data found again: the request that erased it, the data type, and how many PII values,
 * rows or blobs its residual check counts now. Never the data itself.
 */
public record Finding(ErasedRequest request, String dataType, long count) {

    /** Tab-separated: requestId, tenant, customerId, scope, itemId (or -), dataType, count. */
    public String line() {
        ErasedRequest r = request;
        return String.join("\t", r.requestId(), r.tenant(), r.customerId(), r.scope().name(),
                r.itemId() == null ? "-" : r.itemId(), dataType, Long.toString(count));
    }
}
