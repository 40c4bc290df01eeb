package io.jenkins.plugins.prodscript;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The plugin uses the engine only through its public API (see notes/TEAM.md): the front door, the value types, JSON,
 * the ledgers and approval and rescue rules. The SQL splitter and the execution internals stay the engine's business.
 */
class PluginArchitectureTest {
    private static final JavaClasses PLUGIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.jenkins.plugins.prodscript");

    @Test
    void engineInternalsAreNotUsed() {
        ArchRule rule = noClasses().that().resideInAPackage("io.jenkins.plugins.prodscript..")
                .should().dependOnClassesThat().resideInAnyPackage("io.prodscript.engine.sql..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.prodscript.engine.execution.RunSession")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.prodscript.engine.execution.StatementRunner")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.prodscript.engine.plan.Planner")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.prodscript.engine.script.ScriptReader")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.prodscript.engine.ledger.Ledger")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.prodscript.engine.rescue.RescueRunner")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.prodscript.engine.execution.DatabaseConnector")
                .orShould().dependOnClassesThat().resideInAnyPackage("org.jdbi..");
        rule.check(PLUGIN);
    }

    @Test
    void onlyTheRunAndTargetPackagesTalkToDatabases() {
        noClasses().that().resideInAnyPackage("io.jenkins.plugins.prodscript.job..", "io.jenkins.plugins.prodscript.step..",
                        "io.jenkins.plugins.prodscript.audit..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "org.jdbi..")
                .check(PLUGIN);
    }
}
