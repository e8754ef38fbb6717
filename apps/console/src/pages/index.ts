import { CasesController } from './cases.controller';
import { DebriefsController } from './debriefs.controller';
import { HomeController } from './home.controller';
import { ProgramController } from './program.controller';
import { RosterController } from './roster.controller';
import { TriageController } from './triage.controller';

export const PAGE_CONTROLLERS = [HomeController, CasesController, RosterController, TriageController, ProgramController, DebriefsController];
