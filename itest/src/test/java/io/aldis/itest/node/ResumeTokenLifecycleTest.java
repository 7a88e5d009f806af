package io.aldis.itest.node;

import io.aldis.itest.support.LeakWatch;
import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.node.core.internal.NodeSettings;
import io.aldis.protocol.api.Close;
import io.aldis.protocol.api.ErrorCode;
import io.aldis.protocol.api.FrameType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** When resume tokens stop working, seen by a client over a real socket. */
@ExtendWith(LeakWatch.class)
class ResumeTokenLifecycleTest {
    private static final String BOB = "bob";
    private static final String BOB_PASSWORD = "builder-of-things";

    private TestNode node;

    @BeforeEach
    void start() throws Exception {
        node = TestNode.start();
        node.store.add(BOB, BOB_PASSWORD.toCharArray(), Set.of("user"));
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    private String login(String user, String password) throws Exception {
        try (RawConnection conn = node.raw()) {
            conn.connect();
            return conn.scram(user, password).resumeToken();
        }
    }

    private boolean resumes(String token) throws Exception {
        try (RawConnection conn = node.raw()) {
            return conn.connect(token).authenticated();
        }
    }

    @Test
    void aPasswordChangeRevokesEveryTokenOfThatUserAndNoOtherUsers() throws Exception {
        String first = login(TestNode.USER, TestNode.PASSWORD);
        String second = login(TestNode.USER, TestNode.PASSWORD);
        String bobs = login(BOB, BOB_PASSWORD);
        assertThat(resumes(first)).isTrue();

        node.store.setPassword(TestNode.USER, "a-brand-new-password".toCharArray());

        assertThat(resumes(first)).isFalse();
        assertThat(resumes(second)).isFalse();
        assertThat(resumes(bobs)).isTrue();
        assertThat(login(TestNode.USER, "a-brand-new-password")).isNotEmpty();
    }

    @Test
    void removingAUserRevokesItsTokens() throws Exception {
        String token = login(BOB, BOB_PASSWORD);
        node.store.remove(BOB);
        assertThat(resumes(token)).isFalse();
    }

    @Test
    void aRoleChangeRevokesTheTokensSoTheNewRolesApplyOnReconnect() throws Exception {
        String token = login(BOB, BOB_PASSWORD);
        node.store.setRoles(BOB, Set.of("user", "admin"));
        assertThat(resumes(token)).isFalse();
    }

    @Test
    void aNormalCloseByTheClientIsALogoutThatReleasesItsTokenOnly() throws Exception {
        String other = login(TestNode.USER, TestNode.PASSWORD);
        String token;
        try (RawConnection conn = node.raw()) {
            conn.connect();
            token = conn.scram(TestNode.USER, TestNode.PASSWORD).resumeToken();
            conn.send(new Close(0, "logging out"));
            conn.readUntil(FrameType.CLOSE_ACK);
        }
        assertThat(resumes(token)).isFalse();
        assertThat(resumes(other)).isTrue();
    }

    @Test
    void aResumedSessionThatLogsOutReleasesTheToken() throws Exception {
        String token = login(TestNode.USER, TestNode.PASSWORD);
        try (RawConnection conn = node.raw()) {
            assertThat(conn.connect(token).authenticated()).isTrue();
            conn.send(new Close(0, "logging out"));
            conn.readUntil(FrameType.CLOSE_ACK);
        }
        assertThat(resumes(token)).isFalse();
    }

    @Test
    void aDroppedConnectionOrACloseWithAnErrorCodeKeepsTheToken() throws Exception {
        String dropped = login(TestNode.USER, TestNode.PASSWORD); // login() just closes the socket
        String token;
        try (RawConnection conn = node.raw()) {
            conn.connect();
            token = conn.scram(TestNode.USER, TestNode.PASSWORD).resumeToken();
            conn.send(new Close(ErrorCode.INTERNAL_ERROR.code(), "client crashing"));
            conn.readUntil(FrameType.CLOSE_ACK);
        }
        assertThat(resumes(dropped)).isTrue();
        assertThat(resumes(token)).isTrue();
    }

    @Test
    void eachUserKeepsAtMostTheConfiguredNumberOfTokensOldestDroppedFirst() throws Exception {
        node.close();
        node = TestNode.start(NodeSettings.defaults().withMaxResumeTokensPerUser(3));
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tokens.add(login(TestNode.USER, TestNode.PASSWORD));
        }
        assertThat(resumes(tokens.get(0))).isFalse();
        assertThat(resumes(tokens.get(1))).isFalse();
        for (String kept : tokens.subList(2, 5)) {
            assertThat(resumes(kept)).isTrue();
        }
    }
}
