package io.aldis.examples.internal.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aldis.feature.filetransfer.api.TransferRequest;
import io.aldis.feature.filetransfer.api.Verdict;
import java.lang.annotation.Annotation;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UploadRulesTest {
    private static final long MIB = 1024L * 1024;

    @Test
    void refusesTheDefaultExtensionsWhateverTheirCaseAndInSubfolders() {
        UploadRules rules = new UploadRules(config(new String[] {"exe", "bat", "cmd", "com", "scr", "msi", "vbs"}, 512));
        for (String name : new String[] {"setup.exe", "tools/Setup.EXE", "a.b.Bat", "x.vbs"}) {
            Verdict verdict = rules.upload(upload(name, 10));
            assertThat(verdict.allowed()).as(name).isFalse();
            assertThat(verdict.reason()).as(name).startsWith("files ending in .").endsWith(" are not accepted here");
        }
        assertThat(rules.upload(upload("setup.exe.txt", 10)).allowed()).isTrue();
        assertThat(rules.upload(upload("exe", 10)).allowed()).isTrue();
        assertThat(rules.upload(upload("folder.exe/notes", 10)).allowed()).isTrue();
    }

    @Test
    void refusesUploadsAboveItsLimitAndAllowsOneAtTheLimit() {
        UploadRules rules = new UploadRules(config(new String[0], 2));
        assertThat(rules.upload(upload("big.iso", 2 * MIB)).allowed()).isTrue();
        Verdict tooBig = rules.upload(upload("big.iso", 2 * MIB + 1));
        assertThat(tooBig.allowed()).isFalse();
        assertThat(tooBig.reason()).isEqualTo("files larger than 2 MiB are not accepted here");
    }

    @Test
    void zeroMeansNoLimitOfItsOwnAndExtensionsAreWrittenWithOrWithoutTheDot() {
        UploadRules rules = new UploadRules(config(new String[] {" .ZIP ", ""}, 0));
        assertThat(rules.upload(upload("huge.bin", Long.MAX_VALUE)).allowed()).isTrue();
        assertThat(rules.upload(upload("a.zip", 1)).reason()).isEqualTo("files ending in .zip are not accepted here");
    }

    @Test
    void extensionsWrittenOnOneLineWithCommasAreEachRefused() {
        UploadRules rules = new UploadRules(config(new String[] {"exe, bat,.cmd"}, 0));
        for (String name : new String[] {"a.exe", "b.bat", "c.cmd"}) {
            assertThat(rules.upload(upload(name, 1)).allowed()).as(name).isFalse();
        }
        assertThat(rules.upload(upload("d.txt", 1)).allowed()).isTrue();
    }

    @Test
    void aChangedConfigurationHoldsForTheNextRequest() {
        UploadRules rules = new UploadRules(config(new String[] {"exe"}, 0));
        assertThat(rules.upload(upload("run.exe", 1)).allowed()).isFalse();
        rules.modified(config(new String[] {"sh"}, 0));
        assertThat(rules.upload(upload("run.exe", 1)).allowed()).isTrue();
        assertThat(rules.upload(upload("run.sh", 1)).allowed()).isFalse();
    }

    @Test
    void aNegativeLimitIsRefusedInOneLine() {
        assertThatThrownBy(() -> new UploadRules(config(new String[0], -1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxUploadMiB = -1: must be 0 or more");
    }

    @Test
    void downloadsAreNotLookedAt() {
        UploadRules rules = new UploadRules(config(new String[] {"exe"}, 1));
        assertThat(rules.download(upload("setup.exe", 10 * MIB)).allowed()).isTrue();
    }

    private static TransferRequest upload(String name, long size) {
        return new TransferRequest("alice", Set.of("user"), name, size, "");
    }

    private static UploadRulesConfig config(String[] extensions, long maxMiB) {
        return new UploadRulesConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return UploadRulesConfig.class;
            }

            @Override
            public String[] refusedExtensions() {
                return extensions;
            }

            @Override
            public long maxUploadMiB() {
                return maxMiB;
            }
        };
    }
}
