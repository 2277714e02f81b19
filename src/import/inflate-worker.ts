/** The import worker's inflate helper (see inflate-helper.ts): inflates one large part, then is ended. */
import { serveInflate } from './inflate-helper'

serveInflate(self as unknown as Parameters<typeof serveInflate>[0])
