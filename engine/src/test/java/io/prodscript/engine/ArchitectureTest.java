package io.prodscript.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.GeneralCodingRules;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine's shape, enforced: planning never touches a database, nothing prints, feature packages do not cycle. */
class ArchitectureTest {
    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.prodscript.engine");
    }

    @Test
    void planningNeverTouchesADatabase() {
        noClasses().that().resideInAnyPackage("..engine.script..", "..engine.sql..", "..engine.plan..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.jdbi..", "org.postgresql..",
                        "..engine.execution..", "..engine.ledger..")
                .because("a plan is decided before any database is touched")
                .check(engine);
    }

    @Test
    void nothingPrints() {
        GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS
                .because("progress goes through RunListener so the CLI and Jenkins can render it")
                .check(engine);
    }

    @Test
    void nothingKnowsJenkins() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("hudson..", "jenkins..", "org.kohsuke..")
                .because("the engine is plain Java; the plugin adapts Jenkins to it")
                .check(engine);
    }

    @Test
    void featurePackagesDoNotCycle() {
        SlicesRuleDefinition.slices().matching("io.prodscript.engine.(*)..").should().beFreeOfCycles().check(engine);
    }
}
