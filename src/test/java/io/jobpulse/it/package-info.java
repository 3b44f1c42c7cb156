/** Integration tests ({@code *IT}, failsafe): the WAR Maven built, deployed by Arquillian to a managed Payara Micro. */
package io.jobpulse.it;
