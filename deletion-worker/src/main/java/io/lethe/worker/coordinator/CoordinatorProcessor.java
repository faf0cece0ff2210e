package io.lethe.worker.coordinator;

import io.lethe.events.AuditEvent;
import io.lethe.events.AuditType;
import io.lethe.events.DeletionCompleted;
import io.lethe.events.DeletionFailed;
import io.lethe.events.DeletionRequested;
import io.lethe.events.DeletionStatus;
import io.lethe.events.ErasureResult;
import io.lethe.events.ErasureTask;
import io.lethe.events.LegalHold;
import io.lethe.events.RequestStatus;
import io.lethe.events.TaskState;
import io.lethe.events.TaskStatus;
import io.lethe.runtime.streams.InvalidRecordException;
import io.lethe.schemas.Holds;
import io.lethe.schemas.Statuses;
import io.lethe.schemas.Topics;
import io.lethe.worker.WorkerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one deletion request (docs/architecture.md, Request status machine). Inputs: requests and
 * erasure results; a wall-clock punctuation re-dispatches tasks whose backoff elapsed and times out attempts
 * past their deadline, in the order the {@link Agenda} (derived from the stored statuses) gives.
 *
 * <p>Rules it keeps: a request id seen before never dispatches again (unless it is a redrive
 * of a FAILED request, which re-runs only the failed tasks); a result counts only for the
 * attempt in flight (stale or duplicate results are ignored); a later phase is dispatched
 * only when every task of the earlier phases succeeded; COMPLETED means every task succeeded
 * with residual 0, and only then is {@code verified} true.
 *
 * <p>Legal holds: no task of a request whose customer (or tenant) is under an active hold is
 * dispatched; the request goes ON_HOLD instead (on arrival, at a phase boundary, before a retry,
 * or when an eraser answers {@value #LEGAL_HOLD} because it saw the hold first). Every second the
 * held requests are checked and resumed once no active hold covers them. Tasks already running
 * when a hold is placed are stopped by the erasers, which check the hold before erasing.
 */
final class CoordinatorProcessor implements Processor<String, Object, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorProcessor.class);
    static final String WORKER_ACTOR = "deletion-worker";
    static final Duration RETRY_SCAN_INTERVAL = Duration.ofSeconds(1);
    static final String TASK_TIMEOUT = "TASK_TIMEOUT";
    /** An eraser's answer for a task whose customer it found under a legal hold: nothing was erased. */
    static final String LEGAL_HOLD = Holds.LEGAL_HOLD;
    /** How soon a task an eraser refused for a hold is looked at again (by then this instance knows the hold). */
    static final Duration HOLD_RECHECK = Duration.ofSeconds(2);
    private static final String EXPIRED_MARK = "expired:";
    private static final java.util.regex.Pattern ERROR_CODE = java.util.regex.Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
    private static final java.util.regex.Pattern ERASER_ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private final ScopePlan plan;
    private final RetryPolicy retry;
    private final WorkerMetrics metrics;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, DeletionStatus> requests;
    private final Agenda agenda = new Agenda();
    private KeyValueStore<String, String> held;
    private org.apache.kafka.streams.state.ReadOnlyKeyValueStore<String, LegalHold> holds;
    private boolean announcesExpiries;
    private String taskName;

    CoordinatorProcessor(ScopePlan plan, RetryPolicy retry, WorkerMetrics metrics) {
        this.plan = plan;
        this.retry = retry;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.requests = context.getStateStore(CoordinatorTopology.REQUESTS_STORE);
        this.held = context.getStateStore(CoordinatorTopology.HELD_STORE);
        this.holds = context.getStateStore(CoordinatorTopology.HOLDS_STORE);
        // one task announces expired holds, so each HOLD_EXPIRED is written once
        this.announcesExpiries = context.taskId().partition() == 0;
        this.taskName = context.taskId().toString();
        agenda.clear();
        try (KeyValueIterator<String, DeletionStatus> all = requests.all()) {
            all.forEachRemaining(kv -> {
                if (!Statuses.terminal(kv.value.getStatus()) && kv.value.getStatus() != RequestStatus.ON_HOLD) {
                    metrics.opened(taskName, kv.key, kv.value.getRequestedAt(), kv.value.getDueAt());
                }
                agenda.set(kv.key, nextDue(kv.value));
            });
        }
        context.schedule(RETRY_SCAN_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> {
            attendDue(now);
            resumeReleased(now);
        });
    }

    @Override
    public void close() {
        metrics.taskMoved(taskName);
    }

    @Override
    public void process(Record<String, Object> record) {
        if (record.value() instanceof DeletionRequested r) {
            RequestValidation.check(record.key(), r);
            onRequest(r);
        } else if (record.value() instanceof ErasureResult r) {
            RequestValidation.check(record.key(), r);
            onResult(r);
        } else {
            throw new InvalidRecordException("unexpected record type "
                    + (record.value() == null ? "null (tombstone)" : record.value().getClass().getSimpleName()));
        }
    }

    private void onRequest(DeletionRequested r) {
        long now = context.currentSystemTimeMs();
        DeletionStatus existing = requests.get(r.getRequestId());
        if (existing != null) {
            if (r.getRedrive() && existing.getStatus() == RequestStatus.FAILED) {
                redrive(existing, r.getActor(), now);
            } else {
                audit(audit(AuditType.DUPLICATE_IGNORED, existing, r.getActor(), now).build());
            }
            return;
        }
        if (r.getRedrive()) {
            throw new InvalidRecordException("redrive of a request this worker never accepted");
        }
        List<TaskState> tasks = new ArrayList<>();
        List<List<String>> phases = plan.phases(r.getScope());
        for (int p = 0; p < phases.size(); p++) {
            for (String dataType : phases.get(p)) {
                tasks.add(TaskState.newBuilder().setDataType(dataType).setStatus(TaskStatus.PENDING).setPhase(p)
                        .setAttempts(0).setAttemptLimit(retry.maxAttempts()).build());
            }
        }
        DeletionStatus s = DeletionStatus.newBuilder()
                .setRequestId(r.getRequestId()).setTenant(r.getTenant()).setCustomerId(r.getCustomerId())
                .setScope(r.getScope()).setItemId(r.getItemId()).setReason(r.getReason()).setRegulation(r.getRegulation())
                .setActor(r.getActor()).setStatus(RequestStatus.IN_PROGRESS).setTasks(tasks)
                .setRequestedAt(r.getRequestedAt()).setUpdatedAt(Instant.ofEpochMilli(now)).setDueAt(r.getDueAt())
                .setVerified(false).setBulkId(r.getBulkId()).setRequestHash(r.getRequestHash())
                .setOriginalRequestId(r.getOriginalRequestId()).build();
        audit(audit(AuditType.ACCEPTED, s, r.getActor(), now)
                .setRequiredDataTypes(tasks.stream().map(TaskState::getDataType).toList()).build());
        if (!holdIfHeld(s, now)) {
            metrics.opened(taskName, s.getRequestId(), s.getRequestedAt(), s.getDueAt());
            dispatchNextPhase(s, now);
        }
        save(s, now);
    }

    private void redrive(DeletionStatus s, String actor, long now) {
        s.setStatus(RequestStatus.IN_PROGRESS);
        s.setCompletedAt(null);
        audit(audit(AuditType.REDRIVEN, s, actor, now).build());
        int phase = currentPhase(s);
        boolean onHold = holdIfHeld(s, now);
        for (TaskState t : s.getTasks()) {
            if (t.getStatus() == TaskStatus.FAILED && t.getPhase() == phase) {
                t.setStatus(TaskStatus.PENDING);
                t.setAttemptLimit(t.getAttempts() + retry.maxAttempts());
                if (onHold) {
                    t.setNextAttemptAt(Instant.ofEpochMilli(now)); // dispatched on resume
                } else {
                    dispatch(s, t, now);
                }
            }
        }
        if (!onHold) {
            metrics.opened(taskName, s.getRequestId(), s.getRequestedAt(), s.getDueAt());
        }
        save(s, now);
    }

    private void onResult(ErasureResult r) {
        long now = context.currentSystemTimeMs();
        DeletionStatus s = requests.get(r.getRequestId());
        if (s == null) {
            LOG.warn("result for unknown request {} ({}), ignored", r.getRequestId(), r.getDataType());
            return;
        }
        TaskState t = task(s, r.getDataType());
        if (Statuses.terminal(s.getStatus()) || t == null || t.getStatus() != TaskStatus.PENDING
                || r.getAttempt() != t.getAttempts() || t.getNextAttemptAt() != null) {
            LOG.debug("stale result {} attempt {} ignored", r.getTaskId(), r.getAttempt());
            return;
        }
        if (LEGAL_HOLD.equals(r.getErrorCode())) {
            onHeldByEraser(s, t, r, now);
            return;
        }
        boolean succeeded = r.getStatus() == TaskStatus.SUCCEEDED && r.getResidual() == 0 && r.getErrorCode() == null;
        t.setDeadlineAt(null);
        t.setRowsScrubbed(r.getRowsScrubbed());
        t.setRowsDeleted(r.getRowsDeleted());
        t.setBlobsDeleted(r.getBlobsDeleted());
        t.setResidual(r.getResidual());
        String outcome;
        if (succeeded) {
            t.setStatus(TaskStatus.SUCCEEDED);
            t.setErrorCode(null);
            outcome = "succeeded";
        } else {
            String code = r.getErrorCode() != null ? errorCode(r.getErrorCode())
                    : r.getResidual() > 0 ? "RESIDUAL_NOT_ZERO" : "FAILED";
            outcome = retryOrFail(s, t, code, r.getRetryable() || r.getResidual() > 0, now);
        }
        metrics.taskOutcome(t.getDataType(), outcome);
        audit(audit(AuditType.TASK_RESULT, s, actor(r.getEraser()), now)
                .setDataType(t.getDataType()).setAttempt(r.getAttempt()).setTaskStatus(r.getStatus())
                .setRowsScrubbed(r.getRowsScrubbed()).setRowsDeleted(r.getRowsDeleted()).setBlobsDeleted(r.getBlobsDeleted())
                .setResidual(r.getResidual()).setErrorCode(t.getErrorCode()).build());
        if (t.getNextAttemptAt() != null) {
            audit(audit(AuditType.RETRY_SCHEDULED, s, WORKER_ACTOR, now).setDataType(t.getDataType())
                    .setAttempt(t.getAttempts() + 1).setErrorCode(t.getErrorCode()).build());
        }
        settle(s, now);
    }

    /**
     * An eraser found the customer under a hold and erased nothing. The attempt does not count
     * against the task's limit; the task is looked at again shortly, when this instance's view of
     * the holds has the hold too and the request goes ON_HOLD.
     */
    private void onHeldByEraser(DeletionStatus s, TaskState t, ErasureResult r, long now) {
        t.setAttemptLimit(t.getAttemptLimit() + 1);
        t.setDeadlineAt(null);
        t.setNextAttemptAt(Instant.ofEpochMilli(now).plus(HOLD_RECHECK));
        metrics.taskOutcome(t.getDataType(), "held");
        audit(audit(AuditType.TASK_RESULT, s, actor(r.getEraser()), now).setDataType(t.getDataType()).setAttempt(r.getAttempt())
                .setTaskStatus(r.getStatus()).setResidual(r.getResidual()).setErrorCode(LEGAL_HOLD).build());
        holdIfHeld(s, now);
        save(s, now);
    }

    /** Active holds covering the request's customer, by id. */
    private List<String> holdsOn(DeletionStatus s, long now) {
        Instant at = Instant.ofEpochMilli(now);
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, LegalHold> it = holds.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && Holds.covers(kv.value, s.getTenant(), s.getCustomerId()) && Holds.active(kv.value, at)) {
                    ids.add(kv.key);
                }
            });
        }
        java.util.Collections.sort(ids);
        return ids;
    }

    /**
     * Puts the request ON_HOLD when an active hold covers its customer (true), or leaves it
     * (false). An ON_HOLD request stays so until {@link #resumeReleased} resumes it.
     */
    private boolean holdIfHeld(DeletionStatus s, long now) {
        if (s.getStatus() == RequestStatus.ON_HOLD) {
            return true;
        }
        List<String> ids = holdsOn(s, now);
        if (ids.isEmpty()) {
            return false;
        }
        s.setStatus(RequestStatus.ON_HOLD);
        s.setHoldIds(ids);
        s.setHeldSince(Instant.ofEpochMilli(now));
        held.put(s.getRequestId(), "");
        metrics.closed(taskName, s.getRequestId());
        audit(audit(AuditType.REQUEST_HELD, s, WORKER_ACTOR, now).setHoldId(ids.get(0)).build());
        LOG.info("request {} on hold holds={}", s.getRequestId(), ids.size());
        return true;
    }

    /** Resumes held requests that no active hold covers any more; announces expired holds (partition 0's task). */
    private void resumeReleased(long now) {
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, String> it = held.all()) {
            it.forEachRemaining(kv -> ids.add(kv.key));
        }
        for (String id : ids) {
            if (id.startsWith(EXPIRED_MARK)) {
                continue;
            }
            DeletionStatus s = requests.get(id);
            if (s == null || s.getStatus() != RequestStatus.ON_HOLD) {
                held.delete(id);
                continue;
            }
            List<String> still = holdsOn(s, now);
            if (!still.isEmpty()) {
                if (!still.equals(s.getHoldIds())) {
                    s.setHoldIds(still);
                    save(s, now);
                }
                continue;
            }
            resume(s, now);
            held.delete(id);
        }
        if (announcesExpiries) {
            announceExpiredHolds(now);
        }
    }

    private void resume(DeletionStatus s, long now) {
        String lastHold = s.getHoldIds().isEmpty() ? null : s.getHoldIds().get(0);
        if (s.getHeldSince() != null) {
            s.setHeldMillis(s.getHeldMillis() + Math.max(0, now - s.getHeldSince().toEpochMilli()));
        }
        s.setHeldSince(null);
        s.setHoldIds(List.of());
        s.setStatus(RequestStatus.IN_PROGRESS);
        audit(audit(AuditType.REQUEST_RESUMED, s, WORKER_ACTOR, now).setHoldId(lastHold).build());
        metrics.opened(taskName, s.getRequestId(), s.getRequestedAt(), s.getDueAt());
        LOG.info("request {} resumed", s.getRequestId());
        int phase = currentPhase(s);
        for (TaskState t : s.getTasks()) {
            boolean neverSent = t.getAttempts() == 0;
            boolean waiting = t.getNextAttemptAt() != null;
            if (t.getPhase() == phase && t.getStatus() == TaskStatus.PENDING && (neverSent || waiting)) {
                dispatch(s, t, now);
            }
        }
        settle(s, now);
    }

    private void announceExpiredHolds(long now) {
        Instant at = Instant.ofEpochMilli(now);
        List<LegalHold> expired = new ArrayList<>();
        try (KeyValueIterator<String, LegalHold> it = holds.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value != null && Holds.expired(kv.value, at) && held.get(EXPIRED_MARK + kv.key) == null) {
                    expired.add(kv.value);
                }
            });
        }
        for (LegalHold h : expired) {
            held.put(EXPIRED_MARK + h.getHoldId(), "");
            audit(AuditEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setType(AuditType.HOLD_EXPIRED)
                    .setRequestId(h.getHoldId()).setTenant(h.getTenant())
                    .setCustomerId(h.getCustomerId() == null ? "-" : h.getCustomerId()).setActor(WORKER_ACTOR)
                    .setHoldId(h.getHoldId()).setOccurredAt(at).build());
        }
    }

    /** Records a failed attempt: schedules the next one when allowed, else fails the task. Returns the outcome. */
    private String retryOrFail(DeletionStatus s, TaskState t, String code, boolean retryable, long now) {
        t.setErrorCode(code);
        t.setDeadlineAt(null);
        if (retryable && t.getAttempts() < t.getAttemptLimit()) {
            t.setNextAttemptAt(Instant.ofEpochMilli(now).plus(retry.delayAfter(t.getAttempts())));
            return "retrying";
        }
        t.setStatus(TaskStatus.FAILED);
        return "failed";
    }

    /**
     * An error code as the audit trail and status may carry it. Codes come from erasers, external
     * ones included, and those records are kept forever: anything but an upper-case code such as
     * {@code DB_UNAVAILABLE} (which could quote data, an e-mail address say) is replaced.
     */
    static String errorCode(String reported) {
        return reported != null && ERROR_CODE.matcher(reported).matches() ? reported : "UNSPECIFIED_ERROR";
    }

    /** The eraser's id as the audit trail's actor, when it is an id and not free text. */
    static String actor(String eraser) {
        return eraser != null && ERASER_ID.matcher(eraser).matches() ? eraser : WORKER_ACTOR;
    }

    /** Decide what follows a task's change: fail, complete, or dispatch the next phase. */
    private void settle(DeletionStatus s, long now) {
        boolean anyFailed = s.getTasks().stream().anyMatch(t -> t.getStatus() == TaskStatus.FAILED);
        boolean anyInFlight = s.getTasks().stream().anyMatch(t -> t.getStatus() == TaskStatus.PENDING && t.getAttempts() > 0);
        boolean allSucceeded = s.getTasks().stream().allMatch(t -> t.getStatus() == TaskStatus.SUCCEEDED);
        if (anyFailed && !anyInFlight) {
            finish(s, RequestStatus.FAILED, now);
        } else if (allSucceeded) {
            finish(s, RequestStatus.COMPLETED, now);
        } else if (!anyFailed && !holdIfHeld(s, now)) {
            dispatchNextPhase(s, now);
        }
        save(s, now);
    }

    private void finish(DeletionStatus s, RequestStatus outcome, long now) {
        Instant at = Instant.ofEpochMilli(now);
        if (s.getHeldSince() != null) {
            // tasks that were already running when a hold came finished (they had checked before it)
            s.setHeldMillis(s.getHeldMillis() + Math.max(0, now - s.getHeldSince().toEpochMilli()));
            s.setHeldSince(null);
            s.setHoldIds(List.of());
        }
        s.setStatus(outcome);
        s.setCompletedAt(at);
        String subject = Topics.subjectKey(s.getTenant(), s.getCustomerId());
        AuditEvent.Builder a = audit(outcome == RequestStatus.COMPLETED ? AuditType.COMPLETED : AuditType.FAILED, s, WORKER_ACTOR, now)
                .setRequiredDataTypes(s.getTasks().stream().map(TaskState::getDataType).toList())
                .setRowsScrubbed(sum(s, TaskState::getRowsScrubbed)).setRowsDeleted(sum(s, TaskState::getRowsDeleted))
                .setBlobsDeleted(sum(s, TaskState::getBlobsDeleted))
                .setResidual(s.getTasks().stream().mapToLong(t -> t.getResidual() == null ? 0 : t.getResidual()).sum());
        if (outcome == RequestStatus.COMPLETED) {
            s.setVerified(s.getTasks().stream().allMatch(t -> t.getStatus() == TaskStatus.SUCCEEDED
                    && t.getResidual() != null && t.getResidual() == 0));
            context.forward(new Record<>(subject, DeletionCompleted.newBuilder()
                    .setRequestId(s.getRequestId()).setTenant(s.getTenant()).setCustomerId(s.getCustomerId())
                    .setScope(s.getScope()).setItemId(s.getItemId()).setReason(s.getReason())
                    .setDataTypes(s.getTasks().stream().map(TaskState::getDataType).toList())
                    .setRowsScrubbed(sum(s, TaskState::getRowsScrubbed)).setRowsDeleted(sum(s, TaskState::getRowsDeleted))
                    .setBlobsDeleted(sum(s, TaskState::getBlobsDeleted)).setVerified(s.getVerified())
                    .setRequestedAt(s.getRequestedAt()).setCompletedAt(at).build(), now), CoordinatorTopology.EVENTS_SINK);
        } else {
            s.setVerified(false);
            List<TaskState> failed = s.getTasks().stream().filter(t -> t.getStatus() == TaskStatus.FAILED).toList();
            context.forward(new Record<>(subject, DeletionFailed.newBuilder()
                    .setRequestId(s.getRequestId()).setTenant(s.getTenant()).setCustomerId(s.getCustomerId())
                    .setScope(s.getScope()).setItemId(s.getItemId()).setReason(s.getReason())
                    .setFailedDataTypes(failed.stream().map(TaskState::getDataType).toList())
                    .setErrorCodes(failed.stream().map(t -> String.valueOf(t.getErrorCode())).toList())
                    .setRequestedAt(s.getRequestedAt()).setFailedAt(at).build(), now), CoordinatorTopology.EVENTS_SINK);
            a.setErrorCode(failed.stream().map(t -> String.valueOf(t.getErrorCode())).distinct().reduce((x, y) -> x + "," + y).orElse(null));
        }
        a.setRequestStatus(outcome);
        audit(a.build());
        metrics.closed(taskName, s.getRequestId());
        metrics.requestFinished(outcome.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Dispatches the never-dispatched tasks of the lowest phase that is not finished. */
    private void dispatchNextPhase(DeletionStatus s, long now) {
        int phase = currentPhase(s);
        for (TaskState t : s.getTasks()) {
            if (t.getPhase() == phase && t.getStatus() == TaskStatus.PENDING && t.getAttempts() == 0) {
                dispatch(s, t, now);
            }
        }
    }

    private static int currentPhase(DeletionStatus s) {
        return s.getTasks().stream().filter(t -> t.getStatus() != TaskStatus.SUCCEEDED)
                .mapToInt(TaskState::getPhase).min().orElse(Integer.MAX_VALUE);
    }

    private void dispatch(DeletionStatus s, TaskState t, long now) {
        t.setAttempts(t.getAttempts() + 1);
        t.setNextAttemptAt(null);
        // the deadline of this attempt; it goes when a result (or a newer attempt) comes
        t.setDeadlineAt(Instant.ofEpochMilli(now).plus(retry.taskTimeout()));
        ErasureTask task = ErasureTask.newBuilder()
                .setTaskId(s.getRequestId() + "/" + t.getDataType()).setRequestId(s.getRequestId())
                .setTenant(s.getTenant()).setCustomerId(s.getCustomerId()).setScope(s.getScope()).setItemId(s.getItemId())
                .setDataType(t.getDataType()).setAttempt(t.getAttempts()).setIssuedAt(Instant.ofEpochMilli(now)).build();
        context.forward(new Record<>(Topics.subjectKey(s.getTenant(), s.getCustomerId()), task, now), CoordinatorTopology.TASKS_SINK);
        audit(audit(AuditType.TASK_DISPATCHED, s, WORKER_ACTOR, now).setDataType(t.getDataType()).setAttempt(t.getAttempts()).build());
    }

    /** An attempt without a result by its deadline fails as {@code TASK_TIMEOUT}, retryable. */
    private void onTimeout(DeletionStatus s, TaskState t, long now) {
        LOG.warn("no result for {} of request {} attempt {} within {}", t.getDataType(), s.getRequestId(), t.getAttempts(),
                retry.taskTimeout());
        String outcome = retryOrFail(s, t, TASK_TIMEOUT, true, now);
        metrics.taskOutcome(t.getDataType(), outcome);
        if (t.getNextAttemptAt() != null) {
            audit(audit(AuditType.RETRY_SCHEDULED, s, WORKER_ACTOR, now).setDataType(t.getDataType())
                    .setAttempt(t.getAttempts() + 1).setErrorCode(TASK_TIMEOUT).build());
        }
    }

    /**
     * Attends to the requests the agenda says are due: attempts past their deadline time out, and
     * tasks whose backoff ended are dispatched again (unless a hold came meanwhile).
     */
    private void attendDue(long now) {
        for (String id : agenda.takeDue(now)) {
            DeletionStatus s = requests.get(id);
            if (s == null || Statuses.terminal(s.getStatus())) {
                continue;
            }
            boolean timedOut = false;
            List<TaskState> retrying = new ArrayList<>();
            for (TaskState t : s.getTasks()) {
                if (t.getStatus() != TaskStatus.PENDING) {
                    continue;
                }
                if (inFlight(t) && deadline(s, t) <= now) {
                    onTimeout(s, t, now);
                    timedOut = true;
                } else if (t.getNextAttemptAt() != null && s.getStatus() != RequestStatus.ON_HOLD
                        && t.getNextAttemptAt().toEpochMilli() <= now) {
                    retrying.add(t);
                }
            }
            if (!retrying.isEmpty() && !holdIfHeld(s, now)) {
                retrying.forEach(t -> dispatch(s, t, now)); // else: dispatched when the request resumes
            }
            if (timedOut) {
                settle(s, now);
            } else if (!retrying.isEmpty()) {
                save(s, now);
            } else {
                agenda.set(id, nextDue(s)); // nothing was due after all: back on the agenda unchanged
            }
        }
    }

    /** A dispatched attempt that has neither a result nor a retry scheduled. */
    private static boolean inFlight(TaskState t) {
        return t.getAttempts() > 0 && t.getNextAttemptAt() == null;
    }

    /**
     * The attempt's deadline. A status written before {@code TaskState.deadlineAt} existed has none:
     * its attempt gets one task timeout from the status's last change, which is never earlier than
     * the deadline it was dispatched with and stays the same however often the task restarts.
     */
    private long deadline(DeletionStatus s, TaskState t) {
        return t.getDeadlineAt() != null ? t.getDeadlineAt().toEpochMilli()
                : s.getUpdatedAt().toEpochMilli() + retry.taskTimeout().toMillis();
    }

    /**
     * When the request next needs attention: the earliest deadline of an attempt in flight, or
     * the earliest end of a backoff (not while ON_HOLD: those tasks go when the request resumes).
     */
    private long nextDue(DeletionStatus s) {
        if (Statuses.terminal(s.getStatus())) {
            return Agenda.NEVER;
        }
        long due = Agenda.NEVER;
        for (TaskState t : s.getTasks()) {
            if (t.getStatus() != TaskStatus.PENDING) {
                continue;
            }
            if (inFlight(t)) {
                due = Math.min(due, deadline(s, t));
            } else if (t.getNextAttemptAt() != null && s.getStatus() != RequestStatus.ON_HOLD) {
                due = Math.min(due, t.getNextAttemptAt().toEpochMilli());
            }
        }
        return due;
    }

    private void save(DeletionStatus s, long now) {
        s.setUpdatedAt(Instant.ofEpochMilli(now));
        requests.put(s.getRequestId(), s);
        agenda.set(s.getRequestId(), nextDue(s));
        context.forward(new Record<>(s.getRequestId(), s, now), CoordinatorTopology.STATUS_SINK);
    }

    private void audit(AuditEvent e) {
        context.forward(new Record<>(e.getRequestId(), e, e.getOccurredAt().toEpochMilli()), CoordinatorTopology.AUDIT_SINK);
    }

    private static AuditEvent.Builder audit(AuditType type, DeletionStatus s, String actor, long now) {
        return AuditEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setType(type)
                .setRequestId(s.getRequestId()).setTenant(s.getTenant()).setCustomerId(s.getCustomerId())
                .setActor(actor).setScope(s.getScope()).setItemId(s.getItemId()).setRegulation(s.getRegulation())
                .setReason(s.getReason()).setBulkId(s.getBulkId()).setOriginalRequestId(s.getOriginalRequestId())
                .setRequestStatus(s.getStatus())
                .setRequestedAt(s.getRequestedAt()).setDueAt(s.getDueAt()).setOccurredAt(Instant.ofEpochMilli(now));
    }

    private static TaskState task(DeletionStatus s, String dataType) {
        return s.getTasks().stream().filter(t -> t.getDataType().equals(dataType)).findFirst().orElse(null);
    }

    private static long sum(DeletionStatus s, java.util.function.ToLongFunction<TaskState> f) {
        return s.getTasks().stream().mapToLong(f).sum();
    }
}
