package io.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lethe.audit.PiiScanner.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PiiScannerTest {

    private final PiiScanner scanner = new PiiScanner(List.of("Zebulon Quist"));

    @ParameterizedTest
    @ValueSource(strings = {"cust-000123", "r-2024000001", "3f2a1b4c-1234-5678-9abc-def012345678",
            "12345678-1234-1234-1234-123456789012", "2026-03-01T10:00:00Z", "2026-03-01T10:00:00.123+01:00",
            "lethe-eraser-customer-details", "worker-12345678", "DB_UNAVAILABLE", "order 123456", "bulk-20260301-0001"})
    void shouldNotFlagIdsTimestampsAndShortNumbers(String text) {
        assertThat(scanner.scanText("f", text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"+49 (30) 1234-5678", "555-123-4567", "call 0301234567 now", "(555) 123 4567", "+1.555.123.4567"})
    void shouldFlagPhoneNumbers(String text) {
        assertThat(scanner.scanText("f", text)).extracting(PiiScanner.Finding::kind).containsExactly(Kind.PHONE);
    }

    @Test
    void shouldFlagEmailsAndDenylistedStringsWithoutRepeatingThem() {
        List<PiiScanner.Finding> found = scanner.scanText("actor", "mail Jane.Doe+x@mail.example.org about ZEBULON QUIST");

        assertThat(found).extracting(PiiScanner.Finding::kind).containsExactly(Kind.EMAIL, Kind.DENYLISTED);
        assertThat(found).extracting(PiiScanner.Finding::hint).containsExactly("J***@m***", "denylist entry 1");
    }

    @Test
    void shouldFindTextInRawBytesAcrossBinaryNoise() {
        byte[] bytes = {0x02, 0x1a, 'a', '@', 'b', '.', 'd', 'e', 0x00, (byte) 0xff};

        assertThat(scanner.scanBytes("raw", bytes, 0)).extracting(PiiScanner.Finding::kind).containsExactly(Kind.EMAIL);
    }
}
