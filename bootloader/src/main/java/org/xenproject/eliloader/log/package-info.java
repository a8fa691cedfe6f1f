/** The run's log: collected in memory and sent to syslog in one batch at the end of the run. */
package org.xenproject.eliloader.log;
