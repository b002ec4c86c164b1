package dev.selkie.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    @ParameterizedTest
    @CsvSource({"0, PT0S", "30, PT30S", "30s, PT30S", "500ms, PT0.5S", "5m, PT5M", "1h, PT1H", "PT1M30S, PT1M30S",
        "pt2s, PT2S", " 7 , PT7S"})
    void parses(String text, String iso) {
        assertEquals(Duration.parse(iso), DurationConverter.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "1.5", "10x", "s", "PT-5S", "P", "forever", "9999999999"})
    void rejects(String text) {
        assertThrows(TypeConversionException.class, () -> DurationConverter.parse(text));
    }
}
