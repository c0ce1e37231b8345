import * as schema from './001_schema';
import * as hotPathForeignKeys from './002_hot_path_foreign_keys';
import * as payouts from './003_payouts';
import * as payoutSending from './004_payout_sending';
import * as reportTimeIndexes from './005_report_time_indexes';
import * as playerSearch from './006_player_search';
import * as payoutReview from './007_payout_review';
import * as payoutAccounts from './008_payout_accounts';
import * as secondAggregator from './009_second_aggregator';
import * as staff from './010_staff';
import * as auditChain from './011_audit_chain';
import * as approvals from './012_approvals';
import * as payoutApprovals from './013_payout_approvals';
import * as playerProtection from './014_player_protection';
import * as fourEyesEverywhere from './015_four_eyes_everywhere';
import * as consoleSessions from './016_console_sessions';
import * as sessionDayCheck from './017_session_day_check';
import * as staffCredentialsFrom from './018_staff_credentials_from';
import * as deposits from './019_deposits';
import * as kyc from './020_kyc';
import * as kycChangesByDay from './021_kyc_changes_by_day';
import * as walletMovements from './022_wallet_movements';

/** Every migration in order. Listed explicitly so that the same list runs from TypeScript and from dist/. */
export const migrations = [
  { name: '001_schema', ...schema },
  { name: '002_hot_path_foreign_keys', ...hotPathForeignKeys },
  { name: '003_payouts', ...payouts },
  { name: '004_payout_sending', ...payoutSending },
  { name: '005_report_time_indexes', ...reportTimeIndexes },
  { name: '006_player_search', ...playerSearch },
  { name: '007_payout_review', ...payoutReview },
  { name: '008_payout_accounts', ...payoutAccounts },
  { name: '009_second_aggregator', ...secondAggregator },
  { name: '010_staff', ...staff },
  { name: '011_audit_chain', ...auditChain },
  { name: '012_approvals', ...approvals },
  { name: '013_payout_approvals', ...payoutApprovals },
  { name: '014_player_protection', ...playerProtection },
  { name: '015_four_eyes_everywhere', ...fourEyesEverywhere },
  { name: '016_console_sessions', ...consoleSessions },
  { name: '017_session_day_check', ...sessionDayCheck },
  { name: '018_staff_credentials_from', ...staffCredentialsFrom },
  { name: '019_deposits', ...deposits },
  { name: '020_kyc', ...kyc },
  { name: '021_kyc_changes_by_day', ...kycChangesByDay },
  { name: '022_wallet_movements', ...walletMovements },
];
