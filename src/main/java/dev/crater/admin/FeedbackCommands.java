package dev.crater.admin;

import dev.crater.Services;
import dev.crater.companies.Company;
import dev.crater.feedback.Feedback;
import dev.crater.http.Dates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crater admin feedback …}: users' feedback (POST /feedbacks) and the company's support address. */
final class FeedbackCommands {

    private FeedbackCommands() {
    }

    @Command(name = "feedback", mixinStandardHelpOptions = true,
            description = "Users' feedback: list, show (and save attachments), set the support address it is mailed to.",
            subcommands = {ListAll.class, Show.class, SetSupport.class})
    static final class Group extends AdminCommand.Group {
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "A company's feedback, newest first.")
    static final class ListAll extends AdminCommand.StoreCommand {
        @Option(names = "--company", required = true, description = "Company name.")
        String company;
        @Option(names = "--limit", defaultValue = "50", description = "At most this many (1..1000; default 50).")
        int limit;

        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s) {
            Company c = company(s, company);
            System.out.println("Support address: " + s.feedback.supportEmail(c.id()).orElse("(none: feedback is stored only)"));
            System.out.printf("%-6s %-28s %-8s %-7s %-5s %s%n", "ID", "SENT", "USER", "MAIL", "FILES", "SUBJECT");
            for (Feedback f : s.feedback.newest(c.id(), limit)) {
                System.out.printf("%-6d %-28s %-8d %-7s %-5d %s%n", f.id(), Dates.iso(f.createdAtMs()), f.userId(),
                        f.mailState(), f.files().size(), f.subject());
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One feedback in full; --save-to writes its attachments.")
    static final class Show extends AdminCommand.StoreCommand {
        @Option(names = "--id", required = true)
        long id;
        @Option(names = "--save-to", description = "A directory to write the attachments into (NAME.TYPE, never overwriting).")
        Path saveTo;

        @Override
        boolean audited() {
            return false;
        }

        @Override
        int run(Services s) {
            Feedback f = s.feedback.byId(id).orElseThrow(() -> new IllegalArgumentException("no feedback " + id));
            String login = s.users.byId(f.userId()).map(u -> u.username()).orElse("?");
            System.out.println("Feedback " + f.id() + " from " + login + " (user " + f.userId() + ") at " + Dates.iso(f.createdAtMs()));
            System.out.println("Subject:  " + f.subject());
            System.out.println("Contacts: " + f.contacts());
            System.out.println("Build:    " + f.buildVersion());
            System.out.println("Client:   " + f.userAgent());
            System.out.println("Mail:     " + f.mailState());
            System.out.println();
            System.out.println(f.comment());
            for (Feedback.File file : f.files()) {
                String name = (file.name() + "." + file.type()).replaceAll("[^A-Za-z0-9._-]", "_");
                System.out.println("Attachment " + name + " (" + file.sizeBytes() + " bytes)");
                if (saveTo != null) {
                    try {
                        Files.createDirectories(saveTo);
                        Path target = saveTo.resolve(file.position() + "-" + name);
                        Files.write(target, Base64.getDecoder().decode(file.data()), java.nio.file.StandardOpenOption.CREATE_NEW);
                        System.out.println("  saved to " + target);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "set-support", mixinStandardHelpOptions = true,
            description = "The address a company's feedback is mailed to; \"\" stops mailing (feedback is still stored).")
    static final class SetSupport extends AdminCommand.StoreCommand {
        @Option(names = "--company", required = true, description = "Company name.")
        String company;
        @Option(names = "--email", required = true, description = "e.g. support@broker.example")
        String email;

        @Override
        int run(Services s) {
            Company c = company(s, company);
            auditCompanyId = c.id();
            s.feedback.setSupportEmail(c.id(), email);
            System.out.println("Support address of " + c.name() + ": "
                    + s.feedback.supportEmail(c.id()).orElse("(none: feedback is stored only)"));
            return 0;
        }
    }
}
