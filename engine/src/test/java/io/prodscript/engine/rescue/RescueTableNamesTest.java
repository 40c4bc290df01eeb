package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RescueTableNamesTest {
    @Test
    void namesTellTheRunStatementAndTable() {
        assertEquals("r_3f9c2a1b_s2_accounts", RescueTableNames.name("3f9c2a1b-0000-4000-8000-000000000000", 2, "accounts"));
        assertEquals("r_build42p_s1_mixed_case", RescueTableNames.name("build-42-prod", 1, "Mixed Case"));
    }

    @Test
    void namesFitPostgresLimitWhateverTheTable() {
        String name = RescueTableNames.name("3f9c2a1b-0000", 123, "a_very_long_table_name_that_goes_on_and_on_and_on_and_on_beyond_limits");
        assertEquals(63, name.getBytes(StandardCharsets.UTF_8).length);
        assertTrue(name.startsWith("r_3f9c2a1b_s123_a_very_long"));
        assertTrue(RescueTableNames.name("x", 1, "Überweisungen").matches("r_[0-9a-f]{8}_s1_berweisungen"));
        assertEquals("r_" + RescueTableNames.shortRunId("ü") + "_s1_table", RescueTableNames.name("ü", 1, "ÄÖ"));
    }

    @Test
    void tablePartsKeepLettersDigitsAndInnerUnderscoresOnly() {
        assertEquals("r_3f9c2a1b_s1_a__b_c_d", RescueTableNames.name("3f9c2a1b", 1, "__A-_b  c--d__"));
        assertEquals("r_3f9c2a1b_s1_table", RescueTableNames.name("3f9c2a1b", 1, "-_-"));
        assertEquals("rescue", RescueTableNames.quoted("rescue"));
        assertEquals("\"Rescue\"", RescueTableNames.quoted("Rescue"));
    }
}
