package io.lethe.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much work each scenario does.
 *
 * @param producerRecords   records of the producer ceiling
 * @param apiRequests       timed POSTs of the api scenario (after {@code apiWarmup} untimed ones)
 * @param apiClients        concurrent keep-alive HTTP clients
 * @param streamsRecords    pre-produced records of the Streams ceiling, and requests of the fanout
 * @param profiles          seeded profiles of the database ceiling and of the pipeline's peak phase
 * @param pipelineClients   concurrent HTTP clients of the pipeline
 * @param trackedCustomers  customers the scanner tracks
 * @param expiredCustomers  of which this many are past the policy at the tick
 * @param consoleRequests   deletion requests in the tenant whose Requests page the console scenario loads
 * @param recheckSubjects   erased profiles the recheck scenario checks again
 * @param drainProfiles     profiles of the tenant a newly set retention policy expires at once
 * @param pipelineWarmup    untimed profile deletions before each pipeline scenario's peak (code compiled,
 *                          connections open); the timed figures are of a service that has run that long
 * @param workerJvmWarmup   the same for {@code pipeline-kafka-jvm} and {@code pipeline-jvm}, whose services
 *                          start cold in JVMs of their own: long enough for its JIT compiler to have caught up, as in a worker that has
 *                          been running (measured: 1,000 leave it compiling through the peak)
 */
public record BenchSizes(int producerRecords, int apiRequests, int apiWarmup, int apiClients, int streamsRecords,
                         int profiles, int pipelineClients, int trackedCustomers, int expiredCustomers,
                         int consoleRequests, int recheckSubjects, int drainProfiles, int pipelineWarmup,
                         int workerJvmWarmup) {

    /** The sizes the documented figures are measured with. */
    public static final BenchSizes DEFAULT = new BenchSizes(300_000, 20_000, 2_000, 16, 50_000, 2_000, 16, 1_000_000, 1_000, 10_000, 100_000, 20_000, 1_000, 20_000);

    /** Small enough that the whole run takes well under two minutes. */
    public static final BenchSizes QUICK = new BenchSizes(20_000, 1_000, 200, 4, 2_000, 100, 4, 20_000, 100, 1_000, 2_000, 300, 50, 50);

    Map<String, Number> asMap() {
        Map<String, Number> m = new LinkedHashMap<>();
        m.put("producerRecords", producerRecords);
        m.put("apiRequests", apiRequests);
        m.put("apiWarmup", apiWarmup);
        m.put("apiClients", apiClients);
        m.put("streamsRecords", streamsRecords);
        m.put("profiles", profiles);
        m.put("pipelineClients", pipelineClients);
        m.put("trackedCustomers", trackedCustomers);
        m.put("expiredCustomers", expiredCustomers);
        m.put("consoleRequests", consoleRequests);
        m.put("recheckSubjects", recheckSubjects);
        m.put("drainProfiles", drainProfiles);
        m.put("pipelineWarmup", pipelineWarmup);
        m.put("workerJvmWarmup", workerJvmWarmup);
        return m;
    }

    /** These sizes with another warm-up for every pipeline scenario. */
    public BenchSizes withPipelineWarmup(int deletions) {
        return new BenchSizes(producerRecords, apiRequests, apiWarmup, apiClients, streamsRecords, profiles, pipelineClients,
                trackedCustomers, expiredCustomers, consoleRequests, recheckSubjects, drainProfiles, deletions, deletions);
    }
}
