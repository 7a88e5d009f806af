package io.aldis.feature.filetransfer.internal;

import io.aldis.feature.filetransfer.api.FileStore;
import io.aldis.feature.filetransfer.internal.checkpoints.Checkpoints;
import io.aldis.feature.filetransfer.internal.download.FileHashes;
import io.aldis.feature.filetransfer.internal.quota.QuotaLedger;
import io.aldis.feature.filetransfer.internal.store.StoreLocks;
import io.aldis.feature.filetransfer.internal.transfers.Transfers;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The parts the feature's handlers share.
 *
 * @param settings    the settings in force (they change live)
 * @param store       where files live
 * @param ledger      space reserved and used
 * @param transfers   transfers known now
 * @param checkpoints what survives a restart
 * @param hashes      SHA-256 of published files
 * @param access      permissions
 * @param pool        threads for file I/O and hashing
 * @param clock       the time checkpoints and their retention read
 * @param events      what other bundles and subscribers hear
 * @param policies    the transfer policies registered now
 * @param locks       what several nodes sharing the storage root do one at a time
 */
public record FilesContext(Supplier<FilesSettings> settings, FileStore store, QuotaLedger ledger, Transfers transfers,
        Checkpoints checkpoints, FileHashes hashes, Access access, ExecutorService pool, Clock clock,
        FileEvents events, Policies policies, StoreLocks locks) {
}
