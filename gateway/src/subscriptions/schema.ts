import { buildSchema } from 'graphql';

/**
 * The gateway's own schema for live data: @apollo/gateway serves queries and mutations, not subscriptions,
 * so graphql-ws on the gateway serves this one. Case fields come from the federated graph per event.
 */
export const subscriptionTypeDefs = /* GraphQL */ `
  "How serious a deadline report is."
  enum AlertLevel {
    "The early warning, at a fraction (default 80%) of the limit."
    WARNING
    "The deadline passed unmet."
    OVERDUE
  }

  "Which limit a report is about."
  enum DeadlineKind {
    "Contact the citizen (响应)."
    RESPOND
    "Accept the work order (签收)."
    ACCEPT
    "Reply to the citizen with the result (答复)."
    REPLY
    "Close the case (办结)."
    CLOSE
    "A summoned department reports in (报到)."
    REPORT_IN
  }

  "Which reports to receive; every field narrows, and an absent field does not."
  input OverdueFilter {
    "Only these districts (city-level callers; others receive their own district only)."
    districts: [ID!]
    "Only these units (a handler receives their own unit only)."
    unitIds: [ID!]
    "Only these limits."
    kinds: [DeadlineKind!]
    "Only these levels."
    levels: [AlertLevel!]
  }

  "The case a report is about, as the federated graph shows it to the subscriber."
  type AlertCase {
    "The complaint's id."
    id: ID!
    "Its title."
    title: String!
    "Its category's name."
    categoryName: String
    "The name of the unit that holds it now."
    currentUnitName: String
  }

  "A warning or overdue report of one deadline."
  type OverdueEvent {
    "The report's id; pass it as after to resume after it when reconnecting."
    id: ID!
    "Warning or overdue."
    level: AlertLevel!
    "Which limit."
    kind: DeadlineKind!
    "The case's district."
    district: ID!
    "The complaint's id."
    complaintId: ID!
    "The work order (for REPORT_IN, the whistle)."
    workOrderId: ID!
    "The unit that must meet the deadline."
    unitId: ID!
    "The deadline's id."
    deadlineId: ID!
    "When the deadline falls due."
    dueAt: String!
    "When the report was given."
    at: String!
    "The case, resolved through the federated graph with the subscriber's rights; null when they may not see it."
    complaint: AlertCase
  }

  type Query {
    "Subscriptions are served here; queries go to /graphql over HTTP."
    live: Boolean!
  }

  type Subscription {
    """
    Warnings and overdue reports as they happen. For supervisors, admins and city-level callers (their
    district, or every district for city), and for handlers (their own unit only). With after, the reports
    kept since that one are replayed first, so a reconnecting subscriber loses nothing.
    """
    overdueEvents(filter: OverdueFilter, after: ID): OverdueEvent!
  }
`;

export const buildSubscriptionSchema = () => buildSchema(subscriptionTypeDefs);
