package io.jthanos.compact;

import io.jthanos.block.compact.CompactorJob;
import java.time.Duration;

/**
 * The compactor's validated flags: the job (what is done to the bucket) plus how the process runs
 * it ({@code --wait}, halting, background loops) and its web UI.
 */
record CompactConfig(
    CompactorJob.Config job,
    boolean waitForWork,
    Duration waitInterval,
    boolean haltOnError,
    Duration cleanupInterval,
    Duration progressInterval,
    boolean webDisable,
    String routePrefix,
    String externalPrefix,
    String prefixHeader,
    String bucketWebLabel,
    boolean disableAdminOperations,
    Duration blockViewerSyncInterval,
    Duration blockViewerSyncTimeout) {}
