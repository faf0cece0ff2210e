package io.lethe.schemas;

import io.lethe.events.RequestStatus;

/** Rules of the request status machine (docs/architecture.md, Request status machine) that every reader shares. */
public final class Statuses {

    private Statuses() {
    }

    /** COMPLETED, FAILED and REJECTED: the worker acts on the request no more (a FAILED one only after a redrive). */
    public static boolean terminal(RequestStatus s) {
        return s == RequestStatus.COMPLETED || s == RequestStatus.FAILED || s == RequestStatus.REJECTED;
    }
}
